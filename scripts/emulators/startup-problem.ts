/**
 * Something on this machine keeps a local stand-in from starting (a port taken, no suitable Java):
 * its message is one line saying what and what to do, printed as is, without a stack.
 */
export class StartupProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupProblem';
  }
}
