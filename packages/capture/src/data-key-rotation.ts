import { createRecordSigningKey, encryptionContextFor, type KmsPort, type SigningKey } from '@das/core';

export interface DataKey {
  plaintext: Uint8Array;
  ciphertextBlob: Uint8Array;
  /** The records' ECDSA key, rotated with the data key (see `createRecordSigningKey`). */
  signingKey: SigningKey;
}

export interface DataKeyRotationOptions {
  kms: KmsPort;
  keyArn: string;
  resourceId: string;
  /** A key is replaced after this long (default 5 minutes). */
  maxAgeMs?: number;
  /** …or after encrypting this many records (default 10 000). */
  maxRecords?: number;
}

export interface DataKeyRotation {
  /** The key for the next record, generated anew when the current one is due. */
  next(): Promise<DataKey>;
  /** How many keys were generated so far. */
  readonly generated: number;
  /** Zeroes the key in memory. */
  dispose(): void;
}

/**
 * Data keys for a stream's records. Like RDS, one KMS data key (bound to the encryption context
 * `aws:rds:dbc-id` = the cluster resource id) serves many records, and is rotated by age and count
 * so a reader's data-key cache pays off while no key protects too much.
 */
export function createDataKeyRotation(options: DataKeyRotationOptions): DataKeyRotation {
  const maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
  const maxRecords = options.maxRecords ?? 10_000;
  let current: { key: DataKey; createdAt: number; uses: number } | null = null;
  let generated = 0;
  const dispose = (): void => {
    current?.key.plaintext.fill(0);
    current = null;
  };
  return {
    async next() {
      if (current === null || current.uses >= maxRecords || Date.now() - current.createdAt >= maxAgeMs) {
        const key = await options.kms.generateDataKey(options.keyArn, encryptionContextFor(options.resourceId));
        dispose();
        generated += 1;
        current = {
          key: { plaintext: new Uint8Array(key.plaintext), ciphertextBlob: new Uint8Array(key.ciphertextBlob), signingKey: createRecordSigningKey() },
          createdAt: Date.now(),
          uses: 0,
        };
      }
      current.uses += 1;
      return current.key;
    },
    get generated() {
      return generated;
    },
    dispose,
  };
}
