import { describe, expect, it } from 'vitest';
import { DasRecordError, type DasReasonCode } from '../errors.js';
import { createEventGenerator, createPrng, type Prng } from '../fixtures/index.js';
import { createMemoryKms } from '../testing/index.js';
import { validatePayload } from '../validation.js';
import { createDataKeyCache } from './data-key-cache.js';
import { decryptRecord, type DecryptContext } from './decrypt-record.js';
import { encryptRecord } from './encrypt-record.js';

const RESOURCE_ID = 'cluster-4HNY5V4RRNPKKYB7ICFKE5JBQQ';
const MUTATIONS = 2400;
const PER_RECORD_TIMEOUT_MS = 5000;
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';

interface Envelope {
  databaseActivityEvents: string;
  key: string;
  [field: string]: unknown;
}

function mutateBytes(prng: Prng, input: Uint8Array): Buffer {
  const bytes = Buffer.from(input);
  switch (prng.int(4)) {
    case 0: // truncate
      return bytes.subarray(0, prng.int(bytes.length));
    case 1: // append junk
      return Buffer.concat([bytes, Buffer.from(Array.from({ length: prng.between(1, 64) }, () => prng.int(256)))]);
    case 2: {
      // delete a byte
      const at = prng.int(bytes.length);
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
    }
    default: {
      for (let n = prng.between(1, 3); n > 0; n -= 1) {
        const at = prng.int(bytes.length);
        bytes[at] = prng.chance(0.5) ? prng.int(256) : (bytes[at] ?? 0) ^ (1 << prng.int(8));
      }
      return bytes;
    }
  }
}

function mutateBase64(prng: Prng, text: string): string {
  const chars = [...text];
  for (let n = prng.between(1, 3); n > 0; n -= 1) {
    const at = prng.int(chars.length);
    chars[at] = prng.chance(0.8) ? prng.pick([...BASE64_ALPHABET]) : String.fromCharCode(prng.between(32, 126));
  }
  return chars.join('');
}

/** One mutated record: bytes of the ESDK ciphertext or the key blob, base64 characters, or JSON bytes. */
function mutate(prng: Prng, record: Uint8Array): Uint8Array {
  const envelope = JSON.parse(Buffer.from(record).toString('utf8')) as Envelope;
  const json = (e: Envelope) => Buffer.from(JSON.stringify(e), 'utf8');
  switch (prng.int(5)) {
    case 0:
    case 1: {
      const message = Buffer.from(envelope.databaseActivityEvents, 'base64');
      return json({ ...envelope, databaseActivityEvents: mutateBytes(prng, message).toString('base64') });
    }
    case 2: {
      const blob = Buffer.from(envelope.key, 'base64');
      return json({ ...envelope, key: mutateBytes(prng, blob).toString('base64') });
    }
    case 3: {
      const field = prng.chance(0.7) ? 'databaseActivityEvents' : 'key';
      return json({ ...envelope, [field]: mutateBase64(prng, envelope[field]) });
    }
    default:
      return mutateBytes(prng, record);
  }
}

function withinDeadline<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no outcome within ${PER_RECORD_TIMEOUT_MS} ms`)), PER_RECORD_TIMEOUT_MS);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

describe('decryptRecord on randomly mutated records', () => {
  it(`ends every one of ${MUTATIONS} mutations in a DasRecordError or a valid payload`, { timeout: 120_000 }, async () => {
    const kms = createMemoryKms();
    const ctx: DecryptContext = { kms, resourceId: RESOURCE_ID, cache: createDataKeyCache() };
    const bases: Uint8Array[] = [];
    for (const engine of ['mysql', 'postgres'] as const) {
      for (const suite of ['signed', 'unsigned'] as const) {
        const payload = createEventGenerator({ seed: bases.length + 1, engine }).payload(8);
        bases.push(await encryptRecord(payload, { kms, keyId: 'alias/das', resourceId: RESOURCE_ID, suite }));
      }
    }
    const prng = createPrng(0x5eed);
    const outcomes = new Map<DasReasonCode | 'ok', number>();
    const unexpected: string[] = [];
    for (let i = 0; i < MUTATIONS; i += 1) {
      const record = mutate(prng, prng.pick(bases));
      try {
        const result = await withinDeadline(decryptRecord(record, ctx));
        expect(validatePayload(result.payload).ok).toBe(true);
        outcomes.set('ok', (outcomes.get('ok') ?? 0) + 1);
      } catch (error) {
        if (error instanceof DasRecordError) outcomes.set(error.reason, (outcomes.get(error.reason) ?? 0) + 1);
        else unexpected.push(`#${i}: ${String(error)}`);
      }
    }
    expect(unexpected).toEqual([]);
    // The mutations reach every layer: envelope, KMS, ESDK and (through JSON edits) success.
    for (const reason of ['ENVELOPE_NOT_JSON', 'ENVELOPE_INVALID', 'KEY_DECRYPT_FAILED', 'PAYLOAD_DECRYPT_FAILED'] as const) {
      expect(outcomes.get(reason) ?? 0, reason).toBeGreaterThan(20);
    }
    expect(outcomes.get('ok') ?? 0).toBeGreaterThan(0);
    expect([...outcomes.values()].reduce((a, b) => a + b, 0)).toBe(MUTATIONS);
  });
});
