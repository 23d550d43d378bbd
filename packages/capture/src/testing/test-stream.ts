import { decryptRecord, type HeartbeatEvent, type KmsPort, type MysqlActivityEvent } from '@das/core';
import { createMemoryKms } from '@das/core/testing';
import type { ActiveStream } from '../activity-source.js';

type CapturedEvent = MysqlActivityEvent | HeartbeatEvent;

/** A stream as RDS hands it over, keeping what is put in memory; `gate` can hold puts back. */
export interface TestStream extends ActiveStream {
  readonly records: Uint8Array[];
  /** Puts wait while this is set; resolve it to let them through. */
  gate: Promise<void> | null;
  decryptAll(): Promise<{ events: CapturedEvent[]; payloads: { clusterId?: string; instanceId: string; type: string }[] }>;
}

export function createTestStream(overrides: Partial<ActiveStream> = {}, kms: KmsPort = createMemoryKms()): TestStream {
  const records: Uint8Array[] = [];
  const stream: TestStream = {
    clusterIdentifier: 'auroralab-mysql-cluster',
    resourceId: 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    instanceResourceId: 'db-ABCDEFGHIJKLMNOPQRSTUVWXY2',
    instanceIdentifier: 'auroralab-mysql-node-1',
    streamName: 'aws-rds-das-cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    kmsKeyArn: 'arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555',
    mode: 'async',
    engineNativeAuditFieldsIncluded: false,
    kms,
    records,
    gate: null,
    async putRecords(batch) {
      while (stream.gate !== null) await stream.gate;
      for (const record of batch) records.push(record.data);
    },
    async decryptAll() {
      const events: CapturedEvent[] = [];
      const payloads = [];
      for (const data of records) {
        const { payload } = await decryptRecord(data, { kms, resourceId: stream.resourceId });
        payloads.push({ type: payload.type, clusterId: payload.clusterId, instanceId: payload.instanceId });
        events.push(...(payload.databaseActivityEventList as unknown as CapturedEvent[]));
      }
      return { events, payloads };
    },
    ...overrides,
  };
  return stream;
}

/** The activity records of a decrypted list, heartbeats left out. */
export function records(events: readonly CapturedEvent[]): MysqlActivityEvent[] {
  return events.filter((e): e is MysqlActivityEvent => e.type === 'record');
}

/** Polls until `probe` returns a value, or throws after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
