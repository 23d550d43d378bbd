import { parseArgs } from 'node:util';
import { filterFromQuery, FilterQueryError, kmsPortFromClient, matchesFilter, type AlertCandidate, type EventFilter } from '@das/core';
import type { StoredEvent } from '@das/contracts';
import { createAwsClients, type AwsSettings } from '../aws/aws-clients.js';
import { parseStartPosition, type StartPosition } from '../consumer/shard-lineage.js';
import { createStreamConsumer, type BatchSink } from '../consumer/stream-consumer.js';
import { createStreamLocator } from '../consumer/stream-locator.js';
import { createDecryptPool } from '../decrypt/decrypt-pool.js';
import type { ShardCheckpoint } from '../store/event-store.js';
import { createTailAlerts, formatAlert } from './tail-alerts.js';

export const TAIL_USAGE = `usage: das tail (--cluster ID | -i RESOURCE_ID -s STREAM) [options]

Reads a Database Activity Stream, decrypts it and prints the events (like the lab's das_reader.py).

  --cluster ID          find the stream from the cluster (DescribeDBClusters)
  -i, --resource-id ID  DbClusterResourceId (cluster-…), with -s
  -s, --stream NAME     Kinesis stream name (aws-rds-das-cluster-…), with -i
  -r, --region REGION   AWS region (default: AWS_REGION or us-east-1)
  --endpoint URL        AWS endpoint override, e.g. @das/local-aws (default: AWS_ENDPOINT_URL)
  --from POS            latest (default), trim-horizon, or an ISO 8601 time
  --limit N             stop after N events
  --ndjson              one JSON object per line instead of pretty JSON
  --raw                 print the DAS event as received instead of the normalised one
  --user U, --database D, --command C, --object O, --host H   filters (repeatable or comma-separated)
  -q, --text TEXT       SQL text contains (case-insensitive)
  --exit-code ok|failed
  --heartbeats          include heartbeats (hidden by default)
  --rdsadmin            include RDS housekeeping by rdsadmin (hidden by default)
  --threads N           decrypt threads (default 0: decrypt on the main thread)
  --alerts              print the alerts the worker's rules raise instead of events (the rules
                        see every event; --limit counts alerts)
  --rules FILE          with --alerts: a JSON or YAML rules file, as DAS_ALERT_RULES
  --sensitive-object T  with --alerts: a table whose reads alert (repeatable or comma-separated)
`;

/** A bad command line; the message says what to fix. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface TailOptions {
  clusterId?: string | undefined;
  resourceId?: string | undefined;
  streamName?: string | undefined;
  aws: AwsSettings;
  start: StartPosition;
  limit: number | null;
  ndjson: boolean;
  raw: boolean;
  filter: EventFilter;
  threads: number;
  /** `--alerts`: print alerts instead of events. */
  alerts: { rulesFile?: string | undefined; sensitiveObjects: string[] } | null;
}

/** Parses `das tail` arguments; `env` supplies AWS_REGION / AWS_ENDPOINT_URL defaults. */
export function parseTailArgs(args: string[], env: Record<string, string | undefined>): TailOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: false,
      options: {
        cluster: { type: 'string' },
        'resource-id': { type: 'string', short: 'i' },
        stream: { type: 'string', short: 's' },
        region: { type: 'string', short: 'r' },
        endpoint: { type: 'string' },
        from: { type: 'string' },
        limit: { type: 'string' },
        ndjson: { type: 'boolean' },
        raw: { type: 'boolean' },
        user: { type: 'string', multiple: true },
        database: { type: 'string', multiple: true },
        command: { type: 'string', multiple: true },
        object: { type: 'string', multiple: true },
        host: { type: 'string', multiple: true },
        text: { type: 'string', short: 'q' },
        'exit-code': { type: 'string' },
        heartbeats: { type: 'boolean' },
        rdsadmin: { type: 'boolean' },
        threads: { type: 'string' },
        alerts: { type: 'boolean' },
        rules: { type: 'string' },
        'sensitive-object': { type: 'string', multiple: true },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const v = parsed.values;
  const resourceId = v['resource-id'];
  const streamName = v.stream;
  if ((resourceId === undefined) !== (streamName === undefined)) throw new UsageError('-i/--resource-id and -s/--stream go together');
  if (v.cluster === undefined && resourceId === undefined) throw new UsageError('give --cluster ID, or -i RESOURCE_ID and -s STREAM');
  const start = parseStartPosition(v.from ?? 'latest');
  if (start === null) throw new UsageError(`--from must be latest, trim-horizon or an ISO 8601 time, got "${v.from}"`);
  let limit: number | null = null;
  if (v.limit !== undefined) {
    limit = Number(v.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive integer, got "${v.limit}"`);
  }
  const threads = Number(v.threads ?? '0');
  if (!Number.isInteger(threads) || threads < 0 || threads > 64) throw new UsageError(`--threads must be an integer from 0 to 64`);
  let filter: EventFilter;
  try {
    // Same parser as the worker's query parameters, so CLI and API filters agree.
    filter = filterFromQuery({
      user: v.user,
      database: v.database,
      command: v.command,
      object: v.object,
      host: v.host,
      q: v.text,
      exitCode: v['exit-code'],
      heartbeats: v.heartbeats === true ? 'true' : undefined,
      rdsadmin: v.rdsadmin === true ? 'true' : 'false',
    });
  } catch (error) {
    if (error instanceof FilterQueryError) throw new UsageError(error.message);
    throw error;
  }
  if (v.alerts !== true && (v.rules !== undefined || v['sensitive-object'] !== undefined)) throw new UsageError('--rules and --sensitive-object go with --alerts');
  const sensitiveObjects = (v['sensitive-object'] ?? []).flatMap((o) => o.split(',')).map((o) => o.trim()).filter((o) => o !== '');
  const endpoint = v.endpoint ?? env.AWS_ENDPOINT_URL;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  return {
    clusterId: v.cluster,
    resourceId,
    streamName,
    aws: {
      region: v.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
      endpoint: endpoint === undefined || endpoint === '' ? undefined : endpoint,
      credentials:
        accessKeyId !== undefined && secretAccessKey !== undefined ? { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN } : undefined,
    },
    start,
    limit,
    ndjson: v.ndjson === true,
    raw: v.raw === true,
    filter,
    threads,
    alerts: v.alerts === true ? { rulesFile: v.rules, sensitiveObjects } : null,
  };
}

function format(event: StoredEvent, options: TailOptions): string {
  const { raw, id: _id, ...normalised } = event;
  const value = options.raw ? raw : normalised;
  return options.ndjson ? JSON.stringify(value) : JSON.stringify(value, null, 2);
}

/**
 * Runs `das tail`: locates the stream, reads every shard, decrypts and prints matching events
 * until `limit` events were printed or `signal` aborts. Checkpoints live in memory only.
 */
export async function runTail(options: TailOptions, out: (line: string) => void, signal: AbortSignal, log: (line: string) => void = () => undefined): Promise<number> {
  const clients = createAwsClients(options.aws);
  const locator = createStreamLocator({ ...clients, clusterId: options.clusterId ?? '', streamName: options.streamName, resourceId: options.resourceId });
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  let printed = 0;
  let nextId = 1;
  try {
    let located = await locator.locate();
    while (!located.found && !stop.signal.aborted) {
      log(`waiting for activity stream: ${located.reason}`);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      located = await locator.locate();
    }
    if (!located.found) return printed;
    const stream = located.stream;
    log(`reading ${stream.streamName}`);
    const pool = createDecryptPool({ threads: options.threads, resourceId: stream.resourceId, kms: kmsPortFromClient(clients.kms), aws: options.aws });
    const checkpoints = new Map<string, ShardCheckpoint>();
    const alerts = options.alerts === null ? null : await createTailAlerts(options.alerts);
    const printAlerts = (raised: readonly AlertCandidate[]) => {
      for (const alert of raised) {
        if (stop.signal.aborted) return;
        out(formatAlert(alert, options.ndjson));
        printed += 1;
        if (options.limit !== null && printed >= options.limit) stop.abort();
      }
    };
    const sink: BatchSink = {
      async checkpoints() {
        return [...checkpoints.values()];
      },
      async append(batch) {
        const stored: StoredEvent[] = [];
        for (const record of batch.records) {
          if ('deadLetter' in record) {
            log(`record ${record.sequenceNumber} of ${batch.shardId} skipped: ${record.deadLetter.reason}`);
            continue;
          }
          if (alerts !== null) {
            const events = record.events.map((event) => ({ ...event, id: nextId++, shardId: batch.shardId, sequenceNumber: record.sequenceNumber }));
            printAlerts(alerts.evaluate(events));
            continue;
          }
          for (const event of record.events) {
            if (stop.signal.aborted || !matchesFilter(event, options.filter)) continue;
            const storedEvent: StoredEvent = { ...event, id: nextId++, shardId: batch.shardId, sequenceNumber: record.sequenceNumber };
            out(format(storedEvent, options));
            stored.push(storedEvent);
            printed += 1;
            if (options.limit !== null && printed >= options.limit) {
              stop.abort();
              break;
            }
          }
        }
        const last = batch.records.at(-1)?.sequenceNumber ?? checkpoints.get(batch.shardId)?.sequenceNumber ?? null;
        checkpoints.set(batch.shardId, { shardId: batch.shardId, sequenceNumber: last, finished: batch.shardFinished === true, startedAtMs: null });
        return { stored, deadLetters: 0, replayed: 0 };
      },
    };
    // Stream silence is told by the clock, not by an event.
    const ticker = alerts === null ? undefined : setInterval(() => printAlerts(alerts.tick()), 5000);
    const consumer = createStreamConsumer({ kinesis: clients.kinesis, streamName: stream.streamName, streamKey: stream.streamKey, pool, store: sink, startPosition: options.start, shardDiscoveryMs: 5000 });
    try {
      await consumer.run(stop.signal);
    } finally {
      clearInterval(ticker);
      await pool.close();
    }
    return printed;
  } finally {
    signal.removeEventListener('abort', onAbort);
    for (const client of Object.values(clients)) client.destroy();
  }
}
