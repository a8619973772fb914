/** Thrown when an admin command names something that does not exist or is in the wrong state. */
export class AdminError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdminError';
  }
}
