/** A start that cannot go on for a reason the user can fix; the message is one line with the fix. */
export class StackStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackStartError';
  }
}
