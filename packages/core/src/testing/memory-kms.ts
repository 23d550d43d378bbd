import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KmsPort } from '../crypto/kms-port.js';

const MAGIC = Buffer.from('MKMS');
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Options for {@link createMemoryKms}. */
export interface MemoryKmsOptions {
  /** Simulated latency of every call, in ms (default 0). */
  latencyMs?: number;
}

/** An in-memory KMS for tests and benchmarks, with call counters and failure injection. */
export interface MemoryKms extends KmsPort {
  /** Calls made so far (including failed ones). */
  readonly calls: { decrypt: number; generateDataKey: number };
  /** The next `times` calls (either operation) throw `error` instead of answering. */
  failNext(error: Error, times?: number): void;
  /** Resets the call counters. */
  resetCalls(): void;
}

/**
 * Builds an error shaped like an AWS SDK v3 service exception (`name`, `$fault`, `$metadata`),
 * e.g. `kmsError('ThrottlingException', 400)`.
 */
export function kmsError(name: string, httpStatusCode = 400): Error {
  const error = new Error(`${name} (simulated)`);
  error.name = name;
  Object.assign(error, { $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode } });
  return error;
}

// The encryption context is bound as AAD, canonicalised by sorting the keys, as KMS does.
function contextAad(context: Record<string, string>): Buffer {
  const sorted = Object.keys(context)
    .sort()
    .map((k) => [k, context[k]]);
  return Buffer.from(JSON.stringify(sorted), 'utf8');
}

/**
 * A {@link KmsPort} doing real AES-256-GCM with the encryption context as AAD: a wrong context,
 * a wrong key id or a tampered blob fail with `InvalidCiphertextException`, as with AWS KMS.
 * Master keys are created on first use of a key id.
 */
export function createMemoryKms(options: MemoryKmsOptions = {}): MemoryKms {
  const masterKeys = new Map<string, Buffer>();
  const calls = { decrypt: 0, generateDataKey: 0 };
  const failures: Error[] = [];

  async function enter(): Promise<void> {
    if ((options.latencyMs ?? 0) > 0) await sleep(options.latencyMs);
    const failure = failures.shift();
    if (failure !== undefined) throw failure;
  }

  function masterKey(keyId: string): Buffer {
    let key = masterKeys.get(keyId);
    if (key === undefined) {
      key = randomBytes(32);
      masterKeys.set(keyId, key);
    }
    return key;
  }

  return {
    calls,
    failNext(error, times = 1) {
      for (let i = 0; i < times; i += 1) failures.push(error);
    },
    resetCalls() {
      calls.decrypt = 0;
      calls.generateDataKey = 0;
    },
    async generateDataKey(keyId, encryptionContext) {
      calls.generateDataKey += 1;
      await enter();
      const plaintext = randomBytes(32);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', masterKey(keyId), iv).setAAD(contextAad(encryptionContext));
      const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      const id = Buffer.from(keyId, 'utf8');
      const blob = Buffer.concat([MAGIC, Buffer.from([id.length]), id, iv, sealed]);
      return { plaintext: new Uint8Array(plaintext), ciphertextBlob: new Uint8Array(blob) };
    },
    async decrypt(ciphertextBlob, encryptionContext) {
      calls.decrypt += 1;
      await enter();
      const blob = Buffer.from(ciphertextBlob);
      const invalid = () => kmsError('InvalidCiphertextException');
      if (blob.length < MAGIC.length + 1 || !blob.subarray(0, MAGIC.length).equals(MAGIC)) throw invalid();
      const idLength = blob[MAGIC.length] ?? 0;
      const idEnd = MAGIC.length + 1 + idLength;
      const key = masterKeys.get(blob.subarray(MAGIC.length + 1, idEnd).toString('utf8'));
      if (key === undefined || blob.length < idEnd + IV_BYTES + TAG_BYTES) throw invalid();
      const iv = blob.subarray(idEnd, idEnd + IV_BYTES);
      const sealed = blob.subarray(idEnd + IV_BYTES);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv).setAAD(contextAad(encryptionContext));
        decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
        const plaintext = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
        return new Uint8Array(plaintext);
      } catch {
        throw invalid();
      }
    },
  };
}
