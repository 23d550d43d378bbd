import { decryptRecord, isDasRecordError, KmsUnavailableError, type ActivityEvent, type DecryptContext } from '@das/core';

/** What the pool made of one record. `retry`: KMS could not answer; the record is fine. */
export type DecodeOutcome =
  | { kind: 'events'; events: ActivityEvent[]; /** A 1.x contract later than the documented ones. */ newerContract?: true }
  | { kind: 'bad'; reason: string; message: string }
  | { kind: 'retry'; message: string };

/** decryptRecord's context: the resource, the engine, and KMS + cache or a data-key resolver. */
export type DecodeContext = DecryptContext;

/** Decrypts one record, turning every failure into an outcome (never throws). */
export async function decodeRecord(data: Uint8Array, ctx: DecodeContext): Promise<DecodeOutcome> {
  try {
    const { events, newerContract } = await decryptRecord(data, ctx);
    return newerContract ? { kind: 'events', events, newerContract } : { kind: 'events', events };
  } catch (error) {
    if (isDasRecordError(error)) return { kind: 'bad', reason: error.reason, message: error.message };
    if (error instanceof KmsUnavailableError) return { kind: 'retry', message: error.message };
    // Anything unexpected is not the record's fault for sure: retry rather than drop.
    return { kind: 'retry', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}
