import { AwsServiceError } from '../protocol/aws-error.js';
import { optionalInteger, optionalString, optionalStructure, optionalTimestamp, requiredEnum, requiredString } from '../protocol/json-input.js';
import { unknownOperation, type JsonService } from '../protocol/json-service.js';
import { KINESALITE_OPERATIONS, type KinesaliteEngine, type KinesaliteShard, type KinesaliteStream, type OwnRecord } from './kinesalite-engine.js';
import { nextReshardStep } from './uniform-scaling.js';

type Input = Record<string, unknown>;

const NEXT_TOKEN_TTL_MS = 300_000;
/** The most data one GetRecords call returns on AWS. */
const GET_RECORDS_MAX_BYTES = 10 * 1024 * 1024;
/** kinesalite dates a new stream this far back (its SEQ_ADJUST_MS, not exported). */
const KINESALITE_CREATE_TIME_LAG_MS = 2000;
// Enum shapes of the Kinesis model (client-kinesis).
const SHARD_FILTER_TYPES = ['AFTER_SHARD_ID', 'AT_TRIM_HORIZON', 'FROM_TRIM_HORIZON', 'AT_LATEST', 'AT_TIMESTAMP', 'FROM_TIMESTAMP'] as const;
const STREAM_MODES = ['PROVISIONED', 'ON_DEMAND'] as const;
const SCALING_TYPES = ['UNIFORM_SCALING'] as const;

export interface LocalKinesis {
  service: JsonService;
  /** Runs an operation in process, exactly as the endpoint would (StreamARN accepted). */
  call(operation: string, input: Input): Promise<Record<string, unknown>>;
  /** PutRecords of das-local's own producer, without kinesalite's checks of every record (see KinesaliteEngine.putOwnRecords). */
  putOwnRecords(streamName: string, records: readonly OwnRecord[]): Promise<Record<string, unknown>>;
  /** Waits for any UpdateShardCount still running (tests, shutdown). */
  settle(): Promise<void>;
}

/**
 * Kinesis (Kinesis_20131202, JSON 1.1): kinesalite plus what it lacks — addressing by
 * StreamARN, UpdateShardCount (UNIFORM_SCALING through Split/Merge), ListShards filters and
 * paging, AT_TIMESTAMP iterators that never hang, ChildShards at the end of a closed shard.
 */
export function createKinesisService(engine: KinesaliteEngine, log: (line: string) => void): LocalKinesis {
  const { accountId, region, transitionMs, shardLimit } = engine.options;
  const resharding = new Map<string, Promise<void>>();
  /** The creation second of the last stream created under each name (see CreateStream). */
  const createdSecond = new Map<string, number>();
  const kinesaliteOperations = new Set<string>(KINESALITE_OPERATIONS);

  /** Accepts StreamARN wherever StreamName is, as the current API does. */
  const withStreamName = (input: Input): Input => {
    const arn = optionalString(input, 'StreamARN', 2048);
    if (arn === undefined) return input;
    const match = /^arn:aws[a-z-]*:kinesis:([^:]+):(\d{12}):stream\/([a-zA-Z0-9_.-]{1,128})$/.exec(arn);
    if (!match) throw new AwsServiceError('InvalidArgumentException', `StreamARN '${arn}' is not a valid Kinesis stream ARN.`);
    if (match[1] !== region || match[2] !== accountId) {
      throw new AwsServiceError('ResourceNotFoundException', `Stream ${arn} not found: this emulator serves account ${accountId} in ${region}.`);
    }
    const name = match[3]!;
    if (input['StreamName'] !== undefined && input['StreamName'] !== name) {
      throw new AwsServiceError('InvalidArgumentException', 'StreamName and StreamARN name different streams.');
    }
    const { StreamARN: _arn, ...rest } = input;
    return { ...rest, StreamName: name };
  };

  const streamNameOf = (input: Input): string => requiredString(input, 'StreamName', 128);

  const assertNotResharding = (name: string): void => {
    if (resharding.has(name)) {
      throw new AwsServiceError('ResourceInUseException', `Stream ${name} under account ${accountId} is being resharded (UpdateShardCount).`);
    }
  };

  const waitActive = async (name: string): Promise<KinesaliteStream> => {
    const deadline = Date.now() + Math.max(10_000, transitionMs * 50);
    for (;;) {
      const stream = await engine.getStream(name);
      if (stream.StreamStatus === 'ACTIVE') return stream;
      if (Date.now() > deadline) throw new Error(`stream ${name} stayed ${stream.StreamStatus}`);
      await delay(Math.max(5, transitionMs / 2));
    }
  };

  const reshard = async (name: string, target: number): Promise<void> => {
    for (;;) {
      const stream = await waitActive(name);
      const step = nextReshardStep(openShards(stream), target);
      if (!step) return;
      if (step.kind === 'split') {
        await engine.call('SplitShard', { StreamName: name, ShardToSplit: step.shardId, NewStartingHashKey: step.newStartingHashKey });
      } else {
        await engine.call('MergeShards', { StreamName: name, ShardToMerge: step.shardId, AdjacentShardToMerge: step.adjacentShardId });
      }
    }
  };

  /**
   * AWS returns at most 10 MiB of data per GetRecords call (kinesalite returns up to Limit
   * records whatever their size): keep the records that fit, at least one, and continue the
   * iterator at the first record left out.
   */
  const capResponseSize = (output: Record<string, unknown>, iterator: string): boolean => {
    const records = output['Records'] as Array<{ Data?: string; SequenceNumber?: string }> | undefined;
    if (records === undefined) return false;
    let bytes = 0;
    const fit = records.findIndex((record, index) => {
      bytes += base64Length(record.Data ?? '');
      return index > 0 && bytes > GET_RECORDS_MAX_BYTES;
    });
    if (fit < 0) return false;
    const position = engine.decodeIterator(iterator);
    const next = records[fit]?.SequenceNumber;
    if (position === undefined || next === undefined) return false;
    output['Records'] = records.slice(0, fit);
    output['NextShardIterator'] = engine.shardIterator(position.streamName, position.shardId, next);
    return true;
  };

  const handlers: Record<string, (input: Input) => Promise<unknown>> = {
    async CreateStream(input) {
      const details = optionalStructure(input, 'StreamModeDetails');
      const mode = details === undefined ? undefined : requiredEnum(details, 'StreamMode', STREAM_MODES, 'StreamModeDetails.StreamMode');
      // ON_DEMAND streams start with 4 shards on AWS; kinesalite needs a count either way.
      const shardCount = input['ShardCount'] ?? (mode === 'ON_DEMAND' ? 4 : undefined);
      // kinesalite keeps whole seconds, in the creation time and in every sequence number. A
      // stream deleted and created again within the same second would be indistinguishable from
      // the old one: same creation time, same sequence numbers, so a reader's checkpoint of the
      // old stream would skip records of the new one. Wait for the next second instead.
      const name = typeof input['StreamName'] === 'string' ? input['StreamName'] : undefined;
      const previous = name === undefined ? undefined : createdSecond.get(name);
      if (previous !== undefined) {
        const wait = (previous + 1) * 1000 + KINESALITE_CREATE_TIME_LAG_MS - Date.now();
        if (wait > 0) await delay(wait + 1);
      }
      const output = await engine.call('CreateStream', { ...input, ShardCount: shardCount });
      if (name !== undefined) createdSecond.set(name, (await engine.getStream(name)).StreamCreationTimestamp);
      return output;
    },
    async DescribeStream(input) {
      const output = await engine.call('DescribeStream', input);
      const description = output['StreamDescription'] as Record<string, unknown> | undefined;
      if (description && resharding.has(String(description['StreamName']))) description['StreamStatus'] = 'UPDATING';
      return output;
    },
    async DescribeStreamSummary(input) {
      const output = await engine.call('DescribeStreamSummary', input);
      const summary = output['StreamDescriptionSummary'] as Record<string, unknown> | undefined;
      if (summary) {
        if (resharding.has(String(summary['StreamName']))) summary['StreamStatus'] = 'UPDATING';
        summary['StreamModeDetails'] ??= { StreamMode: 'PROVISIONED' };
      }
      return output;
    },
    async SplitShard(input) {
      assertNotResharding(streamNameOf(input));
      return engine.call('SplitShard', input);
    },
    async MergeShards(input) {
      assertNotResharding(streamNameOf(input));
      return engine.call('MergeShards', input);
    },
    async UpdateShardCount(input) {
      const name = streamNameOf(input);
      const target = optionalInteger(input, 'TargetShardCount', 1, 100_000);
      if (target === undefined) throw new AwsServiceError('ValidationException', 'TargetShardCount is required.');
      requiredEnum(input, 'ScalingType', SCALING_TYPES);
      assertNotResharding(name);
      const stream = await engine.getStream(name);
      if (stream.StreamStatus !== 'ACTIVE') {
        throw new AwsServiceError('ResourceInUseException', `Stream ${name} under account ${accountId} not ACTIVE, instead in state ${stream.StreamStatus}`);
      }
      const current = openShards(stream).length;
      if (target > current * 2 || target < Math.ceil(current / 2) || target > shardLimit) {
        throw new AwsServiceError(
          'InvalidArgumentException',
          `TargetShardCount ${target} must be between half and double the open shard count ${current}, and at most ${shardLimit}.`,
        );
      }
      if (target !== current) {
        const running = reshard(name, target)
          .catch((error: Error) => log(`kinesis: UpdateShardCount of ${name} to ${target} stopped: ${error.message}`))
          .finally(() => resharding.delete(name));
        resharding.set(name, running);
      }
      return { StreamName: name, StreamARN: stream.StreamARN, CurrentShardCount: current, TargetShardCount: target };
    },
    async ListShards(input) {
      return listShards(input);
    },
    async GetShardIterator(input) {
      if (input['ShardIteratorType'] !== 'AT_TIMESTAMP') return engine.call('GetShardIterator', input);
      // Validates stream, shard and types with kinesalite, then positions by arrival time.
      await engine.call('GetShardIterator', { ...input, ShardIteratorType: 'TRIM_HORIZON', Timestamp: undefined });
      const timestamp = optionalTimestamp(input, 'Timestamp');
      if (timestamp === undefined) {
        throw new AwsServiceError('InvalidArgumentException', 'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP.');
      }
      const name = streamNameOf(input);
      const shardId = requiredString(input, 'ShardId', 128);
      const stream = await engine.getStream(name);
      const shardIndex = stream.Shards.findIndex((shard) => shard.ShardId === normaliseShardId(shardId));
      const sequence = shardIndex < 0 ? undefined : await engine.firstSequenceAtOrAfter(name, shardIndex, timestamp);
      if (sequence === undefined) return engine.call('GetShardIterator', { ...input, ShardIteratorType: 'LATEST', Timestamp: undefined });
      return { ShardIterator: engine.shardIterator(name, stream.Shards[shardIndex]!.ShardId, sequence) };
    },
    async ListStreams(input) {
      const output = await engine.call('ListStreams', input);
      // Current SDKs also read StreamSummaries; kinesalite only lists names.
      const names = (output['StreamNames'] as string[] | undefined) ?? [];
      const summaries = [];
      for (const name of names) {
        const stream = await engine.getStream(name).catch(() => undefined);
        if (!stream) continue;
        summaries.push({
          StreamName: stream.StreamName,
          StreamARN: stream.StreamARN,
          StreamStatus: resharding.has(name) ? 'UPDATING' : stream.StreamStatus,
          StreamModeDetails: { StreamMode: 'PROVISIONED' },
          StreamCreationTimestamp: stream.StreamCreationTimestamp,
        });
      }
      return { ...output, StreamSummaries: summaries };
    },
    async GetRecords(input) {
      const output = await engine.call('GetRecords', input);
      const capped = capResponseSize(output, String(input['ShardIterator']));
      // kinesalite always says 0; a full page means the reader is behind by at least its last record's age.
      const records = (output['Records'] as Array<{ ApproximateArrivalTimestamp?: number }> | undefined) ?? [];
      const limit = typeof input['Limit'] === 'number' ? input['Limit'] : 10_000;
      const last = records[records.length - 1];
      if ((capped || records.length >= limit) && last?.ApproximateArrivalTimestamp !== undefined) {
        output['MillisBehindLatest'] = Math.max(0, Math.round(Date.now() - last.ApproximateArrivalTimestamp * 1000));
      }
      if (output['NextShardIterator'] === undefined) {
        const position = engine.decodeIterator(String(input['ShardIterator']));
        if (position) {
          const stream = await engine.getStream(position.streamName);
          output['ChildShards'] = stream.Shards.filter(
            (shard) => shard.ParentShardId === position.shardId || shard.AdjacentParentShardId === position.shardId,
          ).map((shard) => ({
            ShardId: shard.ShardId,
            ParentShards: [shard.ParentShardId, shard.AdjacentParentShardId].filter((id): id is string => id !== undefined),
            HashKeyRange: shard.HashKeyRange,
          }));
        }
      }
      return output;
    },
  };

  async function listShards(input: Input): Promise<unknown> {
    const nextToken = optionalString(input, 'NextToken', 4096);
    const maxResults = optionalInteger(input, 'MaxResults', 1, 10_000) ?? 1000;
    let name: string;
    let afterShardId = optionalString(input, 'ExclusiveStartShardId', 128);
    let filter = optionalStructure(input, 'ShardFilter');
    if (nextToken !== undefined) {
      if (input['StreamName'] !== undefined) {
        throw new AwsServiceError('InvalidArgumentException', 'NextToken and StreamName cannot be provided together.');
      }
      const token = decodeNextToken(nextToken);
      name = token.streamName;
      afterShardId = token.afterShardId;
      filter = token.filter;
    } else {
      if (input['StreamName'] === undefined) throw new AwsServiceError('InvalidArgumentException', 'Either NextToken or StreamName should be provided.');
      name = streamNameOf(input);
    }
    const stream = await engine.getStream(name);
    if (stream.StreamStatus === 'CREATING') {
      throw new AwsServiceError('ResourceInUseException', `Stream ${name} under account ${accountId} is still being created.`);
    }
    let shards = stream.Shards.filter(shardFilter(filter));
    if (afterShardId !== undefined) shards = shards.filter((shard) => shard.ShardId > afterShardId!);
    const page = shards.slice(0, maxResults);
    const more = shards.length > page.length;
    return {
      Shards: page,
      NextToken: more
        ? encodeNextToken({ streamName: name, afterShardId: page[page.length - 1]!.ShardId, filter: filter && modelledFilter(filter), expires: Date.now() + NEXT_TOKEN_TTL_MS })
        : undefined,
    };
  }

  function shardFilter(filter: Input | undefined): (shard: KinesaliteShard) => boolean {
    if (!filter) return () => true;
    const type = requiredEnum(filter, 'Type', SHARD_FILTER_TYPES, 'ShardFilter.Type');
    const shardId = optionalString(filter, 'ShardId', 128);
    const timestampMs = (optionalTimestamp(filter, 'Timestamp') ?? 0) * 1000;
    switch (type) {
      case 'AFTER_SHARD_ID':
        if (shardId === undefined) throw new AwsServiceError('InvalidArgumentException', 'ShardFilter AFTER_SHARD_ID needs a ShardId.');
        return (shard) => shard.ShardId > shardId;
      case 'AT_TRIM_HORIZON':
        return (shard) => shard.ParentShardId === undefined;
      case 'AT_LATEST':
        return (shard) => shard.SequenceNumberRange.EndingSequenceNumber === undefined;
      case 'AT_TIMESTAMP':
      case 'FROM_TIMESTAMP': {
        if (filter['Timestamp'] === undefined) throw new AwsServiceError('InvalidArgumentException', `ShardFilter ${type} needs a Timestamp.`);
        return (shard) => {
          const { openedAt, closedAt } = engine.shardTimes(shard);
          // kinesalite keeps shard times in whole seconds: a shard closed in that second was open at it.
          const openAfter = closedAt === undefined || closedAt + 999 >= timestampMs;
          return type === 'FROM_TIMESTAMP' ? openAfter : openAfter && openedAt <= timestampMs;
        };
      }
      default:
        return () => true;
    }
  }

  async function call(operation: string, rawInput: Input): Promise<Record<string, unknown>> {
    const input = withStreamName(rawInput);
    const handler = Object.hasOwn(handlers, operation) ? handlers[operation] : undefined;
    if (handler) return (await handler(input)) as Record<string, unknown>;
    if (kinesaliteOperations.has(operation)) return engine.call(operation as (typeof KINESALITE_OPERATIONS)[number], input);
    throw unknownOperation('Kinesis', operation);
  }

  return {
    service: { name: 'kinesis', signingName: 'kinesis', targetPrefix: 'Kinesis_20131202', handle: call },
    call,
    putOwnRecords: (streamName, records) => engine.putOwnRecords(streamName, records),
    settle: async () => {
      await Promise.all(resharding.values());
    },
  };
}

/** Only the ShardFilter members the model has go into a NextToken (the rest could be anything, nested a million deep). */
function modelledFilter(filter: Input): Input {
  return { Type: filter['Type'], ShardId: filter['ShardId'], Timestamp: filter['Timestamp'] };
}

function openShards(stream: KinesaliteStream): KinesaliteShard[] {
  return stream.Shards.filter((shard) => shard.SequenceNumberRange.EndingSequenceNumber === undefined);
}

function normaliseShardId(shardId: string): string {
  const digits = /(\d+)$/.exec(shardId)?.[1];
  return digits === undefined ? shardId : `shardId-${digits.padStart(12, '0').slice(-12)}`;
}

interface NextToken {
  streamName: string;
  afterShardId: string;
  filter: Input | undefined;
  expires: number;
}

function encodeNextToken(token: NextToken): string {
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64');
}

function decodeNextToken(text: string): NextToken {
  let token: NextToken;
  try {
    token = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as NextToken;
  } catch {
    throw new AwsServiceError('InvalidArgumentException', 'NextToken is not one this stream returned.');
  }
  if (typeof token?.streamName !== 'string' || typeof token.afterShardId !== 'string' || typeof token.expires !== 'number') {
    throw new AwsServiceError('InvalidArgumentException', 'NextToken is not one this stream returned.');
  }
  if (token.expires < Date.now()) throw new AwsServiceError('ExpiredNextTokenException', 'NextToken has expired (valid for 300 seconds).');
  return token;
}

/** Bytes a base64 string decodes to. */
function base64Length(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
