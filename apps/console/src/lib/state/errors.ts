import { ApiError } from '../api/http.js';

/** A user-facing sentence for any failure, with the AWS error name when there is one. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const aws = error.awsCode !== undefined ? ` (${error.awsCode})` : '';
    return `${error.message}${aws}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
