/**
 * A command line the admin CLI cannot act on (unknown command or option, a missing or malformed value):
 * printed as its one-line message, exit code 2, before anything is loaded or connected.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
