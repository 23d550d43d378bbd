import { createDecipheriv } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { AwsServiceError } from '../protocol/aws-error.js';

/** kinesalite's stream metadata as stored in its leveldb (hidden `_` members included). */
export interface KinesaliteShard {
  ShardId: string;
  ParentShardId?: string;
  AdjacentParentShardId?: string;
  HashKeyRange: { StartingHashKey: string; EndingHashKey: string };
  SequenceNumberRange: { StartingSequenceNumber: string; EndingSequenceNumber?: string };
}

export interface KinesaliteStream {
  StreamName: string;
  StreamARN: string;
  StreamStatus: 'CREATING' | 'DELETING' | 'ACTIVE' | 'UPDATING';
  StreamCreationTimestamp: number;
  RetentionPeriodHours: number;
  Shards: KinesaliteShard[];
}

interface KinesaliteError extends Error {
  statusCode?: number;
  body?: { __type?: string; message?: string; Message?: string };
  name: string;
}

type Callback = (error: KinesaliteError | null, result?: unknown) => void;

interface KinesaliteStore {
  db: {
    close(callback: (error?: Error) => void): void;
    once(event: 'open' | 'error', listener: (error?: Error) => void): void;
    on(event: 'error', listener: (error: Error) => void): void;
    isOpen(): boolean;
  };
  metaDb: {
    awsAccountId: string;
    awsRegion: string;
    createValueStream(): NodeJS.ReadableStream;
    get(name: string, callback: (error: Error | null, value?: KinesaliteStream) => void): void;
    put(name: string, value: unknown, callback: (error?: Error | null) => void): void;
    del(name: string, callback: (error?: Error | null) => void): void;
    lock(name: string, callback: (release: (callback: (...args: unknown[]) => void) => (...args: unknown[]) => void) => void): void;
  };
  getStreamDb(name: string): {
    createReadStream(options: { gt?: string; gte?: string; lt?: string }): NodeJS.ReadableStream & { destroy(): void };
  };
  deleteStreamDb(name: string, callback: (error?: Error | null) => void): void;
  getStream(name: string, callback: (error: KinesaliteError | null, stream?: KinesaliteStream) => void): void;
}

interface KinesaliteDbModule {
  create(options: Record<string, unknown>): KinesaliteStore;
  createShardIterator(streamName: string, shardId: string, sequence: string): string;
  parseSequence(sequence: string): { shardCreateTime: number; seqTime?: number; shardIx: number };
  shardIxToHex(shardIx: number): string;
  ITERATOR_PWD_KEY: Buffer;
  ITERATOR_PWD_IV: Buffer;
}

interface ValidationsModule {
  checkTypes(data: unknown, types: unknown): Record<string, unknown>;
  checkValidations(data: unknown, types: unknown, custom: unknown, operation: string): void;
  toLowerFirst(text: string): string;
}

const require = createRequire(import.meta.url);
const kinesaliteDb = require('kinesalite/db/index.js') as KinesaliteDbModule;
const validations = require('kinesalite/validations/index.js') as ValidationsModule;

/** The operations kinesalite implements itself (validated and run by its own code). */
export const KINESALITE_OPERATIONS = [
  'AddTagsToStream',
  'CreateStream',
  'DeleteStream',
  'DescribeStream',
  'DescribeStreamSummary',
  'GetRecords',
  'GetShardIterator',
  'ListShards',
  'ListStreams',
  'ListTagsForStream',
  'MergeShards',
  'PutRecord',
  'PutRecords',
  'RemoveTagsFromStream',
  'SplitShard',
  'IncreaseStreamRetentionPeriod',
  'DecreaseStreamRetentionPeriod',
] as const;

type KinesaliteOperation = (typeof KINESALITE_OPERATIONS)[number];

const actions = new Map<string, (store: KinesaliteStore, data: unknown, callback: Callback) => void>();
const actionValidations = new Map<string, { types: unknown; custom?: unknown }>();
for (const operation of KINESALITE_OPERATIONS) {
  const file = validations.toLowerFirst(operation);
  actions.set(operation, require(`kinesalite/actions/${file}.js`));
  actionValidations.set(operation, require(`kinesalite/validations/${file}.js`));
}

/** A record of {@link KinesaliteEngine.putOwnRecords}: its data as base64, as kinesalite keeps it. */
export interface OwnRecord {
  Data: string;
  PartitionKey: string;
  ExplicitHashKey?: string;
}

/** Kinesis's largest record. */
const MAX_DATA_BYTES = 1024 * 1024;

/** The bytes a padded base64 text decodes to, without decoding it. */
function base64Bytes(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return Math.floor(text.length / 4) * 3 - padding;
}

export interface KinesaliteEngineOptions {
  /** leveldb directory; kinesalite keeps every stream and record there. */
  path: string;
  /** Delay of CREATING/DELETING/UPDATING transitions, ms. */
  transitionMs: number;
  shardLimit: number;
  accountId: string;
  region: string;
}

/**
 * kinesalite run in process without its HTTP server: our endpoint parses the request, this
 * calls kinesalite's own validation and action code against its leveldb store.
 */
export class KinesaliteEngine {
  private constructor(
    private readonly store: KinesaliteStore,
    readonly options: KinesaliteEngineOptions,
  ) {}

  static async open(options: KinesaliteEngineOptions): Promise<KinesaliteEngine> {
    await mkdir(options.path, { recursive: true, mode: 0o700 });
    const store = kinesaliteDb.create({
      path: options.path,
      createStreamMs: options.transitionMs,
      deleteStreamMs: options.transitionMs,
      updateStreamMs: options.transitionMs,
      shardLimit: options.shardLimit,
    });
    await new Promise<void>((resolve, reject) => {
      store.db.once('open', () => resolve());
      store.db.once('error', (error) =>
        reject(new Error(`Cannot open the Kinesis store at ${options.path} (is another das-local using this data dir?): ${error?.message}`)),
      );
    });
    store.db.on('error', () => undefined);
    store.metaDb.awsAccountId = options.accountId;
    store.metaDb.awsRegion = options.region;
    const engine = new KinesaliteEngine(store, options);
    await engine.settleInterruptedTransitions();
    return engine;
  }

  /** Runs a kinesalite operation: its validation, then its action. Errors become AwsServiceError. */
  async call(operation: KinesaliteOperation, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const validation = actionValidations.get(operation)!;
    // kinesalite floors 1.5 to 1 (as Kinesis did in 2015); Integer members must be whole numbers.
    const fraction = fractionalMember(input, validation.types, '');
    if (fraction) {
      throw new AwsServiceError(
        'ValidationException',
        `1 validation error detected: Value '${fraction.value}' at '${fraction.path}' failed to satisfy constraint: Member must be an integer`,
      );
    }
    // kinesalite dereferences `null` list items and map values (in its validators, or inside a
    // leveldb callback with the stream lock held). No client sends a null below the top level.
    if (Object.values(input).some(containsNestedNull)) throw new AwsServiceError('SerializationException', 'Lists and maps must not contain null values.');
    let data: Record<string, unknown>;
    try {
      data = validations.checkTypes({ ...input }, validation.types);
      validations.checkValidations(data, validation.types, validation.custom, operation);
    } catch (error) {
      throw toServiceError(error as KinesaliteError);
    }
    return this.run(operation, data);
  }

  /**
   * PutRecords from das-local's own producer (the activity stream), whose records are valid by
   * construction: kinesalite's checks (two regular expressions over every record's base64 and two
   * base64 round trips of it, ~0.2 µs of every TPC-C event, issue 19) are replaced by the limits
   * a producer could break (records a call, partition key, data size, hash key).
   */
  async putOwnRecords(streamName: string, records: readonly OwnRecord[]): Promise<Record<string, unknown>> {
    const refuse = (message: string): never => {
      throw new AwsServiceError('ValidationException', message);
    };
    if (records.length < 1 || records.length > 500) refuse(`PutRecords takes 1 to 500 records, not ${records.length}`);
    for (const record of records) {
      if (record.PartitionKey.length < 1 || record.PartitionKey.length > 256) refuse('a partition key must be 1 to 256 characters');
      if (base64Bytes(record.Data) > MAX_DATA_BYTES) refuse('a record\'s data must be at most 1 MiB');
      if (record.ExplicitHashKey !== undefined && !/^(0|[1-9]\d{0,38})$/.test(record.ExplicitHashKey)) refuse(`explicit hash key '${record.ExplicitHashKey}' is not a decimal`);
    }
    return this.run('PutRecords', { StreamName: streamName, Records: records });
  }

  /** Runs kinesalite's action for `operation` on input already checked; its errors become AwsServiceError. */
  private run(operation: KinesaliteOperation, data: Record<string, unknown>): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      actions.get(operation)!(this.store, data, (error, result) => {
        if (error) reject(toServiceError(error));
        else resolve((result ?? {}) as Record<string, unknown>);
      });
    });
  }

  getStream(name: string): Promise<KinesaliteStream> {
    return new Promise((resolve, reject) => {
      this.store.getStream(name, (error, stream) => (error ? reject(toServiceError(error)) : resolve(stream!)));
    });
  }

  async listStreams(): Promise<KinesaliteStream[]> {
    const streams: KinesaliteStream[] = [];
    await new Promise<void>((resolve, reject) => {
      this.store.metaDb
        .createValueStream()
        .on('data', (stream: KinesaliteStream) => streams.push(stream))
        .on('error', reject)
        .on('end', () => resolve());
    });
    return streams;
  }

  /** The first record of a shard that arrived at or after `timestamp` (epoch seconds), if any. */
  firstSequenceAtOrAfter(streamName: string, shardIndex: number, timestamp: number): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const stream = this.store.getStreamDb(streamName).createReadStream({
        gt: kinesaliteDb.shardIxToHex(shardIndex),
        lt: kinesaliteDb.shardIxToHex(shardIndex + 1),
      });
      let found: string | undefined;
      stream.on('data', (item: { key: string; value: { ApproximateArrivalTimestamp: number } }) => {
        if (found === undefined && item.value.ApproximateArrivalTimestamp >= timestamp) {
          found = item.key.split('/')[1];
          stream.destroy();
          resolve(found);
        }
      });
      stream.on('error', reject);
      stream.on('end', () => resolve(found));
      stream.on('close', () => resolve(found));
    });
  }

  shardIterator(streamName: string, shardId: string, sequence: string): string {
    return kinesaliteDb.createShardIterator(streamName, shardId, sequence);
  }

  /** Stream and shard an iterator points at, or undefined for a malformed iterator. */
  decodeIterator(iterator: string): { streamName: string; shardId: string } | undefined {
    try {
      const bytes = Buffer.from(iterator, 'base64');
      const decipher = createDecipheriv('aes-256-cbc', kinesaliteDb.ITERATOR_PWD_KEY, kinesaliteDb.ITERATOR_PWD_IV);
      const pieces = Buffer.concat([decipher.update(bytes.subarray(8)), decipher.final()]).toString('utf8').split('/');
      return pieces.length === 5 ? { streamName: pieces[1]!, shardId: pieces[2]! } : undefined;
    } catch {
      return undefined;
    }
  }

  /** Shard creation and closing times (ms) encoded in its sequence numbers. */
  shardTimes(shard: KinesaliteShard): { openedAt: number; closedAt?: number } {
    const opened = kinesaliteDb.parseSequence(shard.SequenceNumberRange.StartingSequenceNumber).shardCreateTime;
    const ending = shard.SequenceNumberRange.EndingSequenceNumber;
    return { openedAt: opened, closedAt: ending === undefined ? undefined : kinesaliteDb.parseSequence(ending).seqTime };
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.store.db.close((error) => (error ? reject(error) : resolve())));
  }

  /**
   * kinesalite finishes transitions on timers; a process that stopped in between leaves a
   * stream CREATING (without shards) or DELETING forever. Finish them now.
   */
  private async settleInterruptedTransitions(): Promise<void> {
    for (const stream of await this.listStreams()) {
      const repaired = stream.StreamStatus === 'CREATING' && stream.Shards.length === 0;
      if (stream.StreamStatus === 'DELETING' || repaired) {
        await new Promise<void>((resolve) => this.store.deleteStreamDb(stream.StreamName, () => resolve()));
        await new Promise<void>((resolve, reject) => this.store.metaDb.del(stream.StreamName, (error) => (error ? reject(error) : resolve())));
      } else if (stream.StreamStatus !== 'ACTIVE') {
        stream.StreamStatus = 'ACTIVE';
        await new Promise<void>((resolve, reject) => this.store.metaDb.put(stream.StreamName, stream, (error) => (error ? reject(error) : resolve())));
      }
    }
  }
}

interface KinesaliteType {
  type?: string;
  children?: unknown;
}

const INTEGER_TYPES = new Set(['Short', 'Integer', 'Long']);

/** The first Integer/Long member (at any depth) holding a number with a fraction, named as AWS names it. */
function fractionalMember(value: unknown, types: unknown, path: string): { path: string; value: number } | undefined {
  if (typeof value !== 'object' || value === null || typeof types !== 'object' || types === null) return undefined;
  for (const [member, spec] of Object.entries(types as Record<string, unknown>)) {
    if (!Object.hasOwn(value, member)) continue;
    const child = (value as Record<string, unknown>)[member];
    const type = typeof spec === 'string' ? spec : (spec as KinesaliteType).type;
    const childPath = `${path}${member.charAt(0).toLowerCase()}${member.slice(1)}`;
    if (type !== undefined && INTEGER_TYPES.has(type) && typeof child === 'number' && Number.isFinite(child) && !Number.isInteger(child)) {
      return { path: childPath, value: child };
    }
    const children = typeof spec === 'object' && spec !== null ? (spec as KinesaliteType).children : undefined;
    if (type === 'Structure') {
      const found = fractionalMember(child, children, `${childPath}.`);
      if (found) return found;
    } else if (type === 'List' && Array.isArray(child)) {
      for (const [index, item] of child.entries()) {
        const found = fractionalMember({ member: item }, { member: children }, `${childPath}.${index + 1}.`);
        if (found) return { ...found, path: found.path.replace(/\.member$/, '') };
      }
    }
  }
  return undefined;
}

/** A null (or undefined) item of a list or value of an object, at any depth. */
function containsNestedNull(value: unknown): boolean {
  // Iterative: a body may nest a million levels deep.
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null) continue;
    for (const child of Array.isArray(next) ? next : Object.values(next)) {
      if (child === null || child === undefined) return true;
      pending.push(child);
    }
  }
  return false;
}

function toServiceError(error: KinesaliteError): Error {
  if (error instanceof AwsServiceError) return error;
  if (error.statusCode && error.body?.__type) {
    return new AwsServiceError(error.body.__type, error.body.message ?? error.body.Message ?? error.body.__type, error.statusCode);
  }
  return error;
}
