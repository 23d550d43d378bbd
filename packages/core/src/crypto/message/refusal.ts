import { DasRecordError, type PayloadRefusal } from '../../errors.js';

/** Throws the `PAYLOAD_DECRYPT_FAILED` error of a failed message check, with its detail code. */
export function refuse(detail: PayloadRefusal, message: string): never {
  throw new DasRecordError('PAYLOAD_DECRYPT_FAILED', `[${detail}] ${message}`, { detail });
}

/** Refuses as truncated unless `end` lies within a message of `length` bytes. */
export function need(end: number, length: number, what: string): void {
  if (end > length) refuse('MESSAGE_TRUNCATED', `message ends inside the ${what}`);
}
