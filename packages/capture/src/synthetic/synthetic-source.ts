import { randomInt } from 'node:crypto';
import { createEventGenerator, type EventGenerator } from '@das/core/fixtures';
import type { ActiveStream, ActivitySource } from '../activity-source.js';
import { parseDasTime, shiftDasTime } from '../das-time.js';
import { createDataKeyRotation, type DataKeyRotation } from '../data-key-rotation.js';
import { sealRecord, type RecordEncryptor } from '../seal-record.js';

export interface SyntheticSourceOptions {
  /** Average events per second. */
  eventsPerSecond: number;
  /** Events per DAS record (one Kinesis record = one encrypted payload). */
  eventsPerRecord: number;
  /** A new KMS data key after this many ms, as RDS rotates them. */
  keyRotationMs: number;
  /** Seed of the event generator (default random). */
  seed?: number;
  /** Seals records with node:crypto (`fast`, default) or the AWS Encryption SDK (`sdk`). */
  encryptor?: RecordEncryptor;
  log: (line: string) => void;
}

const TICK_MS = 100;
const TIME_FIELDS = ['logTime', 'startTime', 'endTime'] as const;

/**
 * An activity source without a database: realistic Aurora MySQL events from @das/core's
 * generator, re-timed to the wall clock, encrypted exactly as DAS does (ESDK under a KMS data
 * key bound to `aws:rds:dbc-id`) and put on the stream at the configured rate.
 */
export function createSyntheticSource(options: SyntheticSourceOptions): ActivitySource {
  if (!(options.eventsPerSecond > 0) || !(options.eventsPerRecord >= 1)) {
    throw new RangeError('synthetic source: eventsPerSecond must be > 0 and eventsPerRecord ≥ 1');
  }
  let active: { stream: ActiveStream; generator: EventGenerator; timer: NodeJS.Timeout; startedAt: number; produced: number } | undefined;
  // Rotated by age only, as RDS does for a steady stream.
  let dataKeys: DataKeyRotation | undefined;
  let offsetMicros = 0;
  let inFlight: Promise<void> = Promise.resolve();
  let lastError = '';

  /**
   * Events of one record, moved so the first one happens now and later ones never go back, on
   * the stream's writer instance.
   */
  const nextEvents = (generator: EventGenerator, serverHost: string): ReturnType<EventGenerator['events']> => {
    const events = generator.events(options.eventsPerRecord);
    const first = events[0] ? parseDasTime(String(events[0].logTime)) : undefined;
    if (first !== undefined) offsetMicros = Math.max(offsetMicros, Date.now() * 1000 - first);
    for (const event of events) {
      const fields = event as Record<string, unknown>;
      for (const field of TIME_FIELDS) {
        const value = fields[field];
        if (typeof value === 'string') fields[field] = shiftDasTime(value, offsetMicros);
      }
      if (typeof fields['serverHost'] === 'string') fields['serverHost'] = serverHost;
    }
    return events;
  };

  const produce = async (records: number): Promise<void> => {
    const current = active;
    if (!current || records <= 0) return;
    const { stream, generator } = current;
    dataKeys ??= createDataKeyRotation({ kms: stream.kms, keyArn: stream.kmsKeyArn, resourceId: stream.resourceId, maxAgeMs: options.keyRotationMs, maxRecords: Infinity });
    const key = await dataKeys.next();
    const batch: Array<{ data: Uint8Array; partitionKey: string }> = [];
    for (let index = 0; index < records; index++) {
      const data = await sealRecord(stream, nextEvents(generator, stream.instanceIdentifier), key, options.encryptor);
      batch.push({ data, partitionKey: stream.resourceId });
    }
    await stream.putRecords(batch);
    current.produced += records * options.eventsPerRecord;
  };

  /** Produces the records that are due by now; one run at a time so records stay in order. */
  const tick = (): void => {
    inFlight = inFlight.then(async () => {
      const current = active;
      if (!current) return;
      const due = ((Date.now() - current.startedAt) / 1000) * options.eventsPerSecond - current.produced;
      try {
        await produce(Math.floor(due / options.eventsPerRecord));
        lastError = '';
      } catch (error) {
        const message = (error as Error).message;
        if (message !== lastError) options.log(`synthetic source: could not produce records: ${message}`);
        lastError = message;
        // Skip what was due rather than bursting once the cause is fixed.
        current.produced = ((Date.now() - current.startedAt) / 1000) * options.eventsPerSecond;
      }
    });
  };

  const halt = async (): Promise<void> => {
    if (!active) return;
    clearInterval(active.timer);
    await inFlight;
    active = undefined;
    dataKeys?.dispose();
    dataKeys = undefined;
  };

  return {
    async start(stream) {
      await halt();
      const generator = createEventGenerator({
        seed: options.seed ?? randomInt(2 ** 31),
        engine: 'mysql',
        clusterId: stream.resourceId,
        instanceId: stream.instanceResourceId,
        startTime: new Date().toISOString(),
        heartbeatRate: 0.01,
      });
      active = { stream, generator, timer: setInterval(tick, TICK_MS), startedAt: Date.now(), produced: 0 };
      active.timer.unref();
      options.log(`synthetic source: ${options.eventsPerSecond} events/s into ${stream.streamName}`);
    },
    async stop() {
      // Flush: what is due, including a last partial record, goes out before the stream ends.
      const current = active;
      if (current) {
        clearInterval(current.timer);
        inFlight = inFlight.then(async () => {
          const due = Math.ceil(((Date.now() - current.startedAt) / 1000) * options.eventsPerSecond - current.produced);
          if (due > 0) await produce(Math.ceil(due / options.eventsPerRecord)).catch((error: Error) => options.log(`synthetic source: final flush failed: ${error.message}`));
        });
      }
      await halt();
    },
    close: halt,
  };
}
