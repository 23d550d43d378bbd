import { encryptRecord, type KmsPort } from '@das/core';
import { buildMysqlEvent, buildPayload } from '@das/core/fixtures';

export const RESOURCE_ID = 'cluster-4HNY5V4RRNPKKYB7ICFKE5JBQQ';
export const KEY_ID = 'alias/das-test';

/**
 * Encrypted DAS records carrying numbered MySQL QUERY events (`commandText` = `select <n>`), so
 * a test can tell exactly which events arrived. One data key per producer, as RDS reuses keys.
 */
export function createDasProducer(kms: KmsPort, options: { resourceId?: string; eventsPerRecord?: number; keyId?: string; firstNumber?: number } = {}) {
  const resourceId = options.resourceId ?? RESOURCE_ID;
  const perRecord = options.eventsPerRecord ?? 1;
  const keyId = options.keyId ?? KEY_ID;
  let dataKey: { plaintext: Uint8Array; ciphertextBlob: Uint8Array } | undefined;
  let next = options.firstNumber ?? 0;
  const baseMs = Date.now();
  return {
    /** The next record and the numbers of the events it carries. */
    async record(): Promise<{ data: Uint8Array; numbers: number[] }> {
      dataKey ??= await kms.generateDataKey(keyId, { 'aws:rds:dbc-id': resourceId });
      const numbers = Array.from({ length: perRecord }, () => next++);
      const time = new Date(baseMs + numbers[0]!).toISOString().replace('T', ' ').replace('Z', '000+00');
      const events = numbers.map((n) => buildMysqlEvent({ commandText: `select ${n}`, logTime: time, statementId: n }));
      // encryptRecord may zero the key it is given: hand it a copy.
      const data = await encryptRecord(buildPayload(events), {
        kms,
        keyId,
        resourceId,
        dataKey: { plaintext: Uint8Array.from(dataKey.plaintext), ciphertextBlob: dataKey.ciphertextBlob },
      });
      return { data, numbers };
    },
  };
}

/**
 * `count` records of `eventsPerRecord` numbered events, each under its own data key, so that
 * decrypting each one costs a KMS call (the data-key cache cannot help).
 */
export async function recordsWithOwnDataKeys(kms: KmsPort, count: number, eventsPerRecord: number) {
  const records = [];
  for (let i = 0; i < count; i += 1) {
    const producer = createDasProducer(kms, { eventsPerRecord, firstNumber: i * eventsPerRecord });
    records.push({ ...(await producer.record()), partitionKey: 'k' });
  }
  return records;
}

/** The number a test event carries in its SQL text. */
export function eventNumber(event: { text: string | null }): number {
  const match = /^select (\d+)$/.exec(event.text ?? '');
  if (match === null) throw new Error(`not a numbered test event: ${event.text}`);
  return Number(match[1]);
}
