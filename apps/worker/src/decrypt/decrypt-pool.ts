import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createDataKeyCache, type KmsPort } from '@das/core';
import type { AwsSettings } from '../aws/aws-clients.js';
import { decodeRecord, type DecodeOutcome } from './decode-record.js';
import type { ThreadInit, ThreadReply, ThreadRequest } from './decrypt-thread.js';

export type { DecodeOutcome } from './decode-record.js';

export interface DecryptPoolOptions {
  /** Worker threads; 0 decrypts on the calling thread (tests, one-core hosts). */
  threads: number;
  resourceId: string;
  /** KMS for in-thread decryption (threads: 0). */
  kms?: KmsPort | undefined;
  /** How each thread builds its own KMS client (threads > 0). */
  aws?: AwsSettings | undefined;
}

export interface DecryptStats {
  kmsCalls: number;
  cacheHits: number;
  cacheMisses: number;
}

/**
 * Decrypts Kinesis records with @das/core, spread over worker threads so throughput grows with
 * cores. `decode` keeps the order of its input, so callers keep shard order.
 */
export interface DecryptPool {
  decode(records: readonly Uint8Array[]): Promise<DecodeOutcome[]>;
  stats(): DecryptStats;
  close(): Promise<void>;
}

/** The built thread script: threads run plain JS from dist/, also when this module runs from src/ under vitest. */
export function threadScriptUrl(): URL {
  const here = new URL('./decrypt-thread.js', import.meta.url);
  if (import.meta.url.endsWith('.ts')) return new URL('../../dist/decrypt/decrypt-thread.js', import.meta.url);
  return here;
}

function createInThreadPool(options: DecryptPoolOptions): DecryptPool {
  if (options.kms === undefined) throw new Error('decrypt pool with threads: 0 needs a kms port');
  const ctx = { kms: options.kms, resourceId: options.resourceId, cache: createDataKeyCache() };
  return {
    async decode(records) {
      const outcomes: DecodeOutcome[] = [];
      for (const data of records) outcomes.push(await decodeRecord(data, ctx));
      return outcomes;
    },
    stats: () => ({ kmsCalls: ctx.cache.stats.kmsCalls, cacheHits: ctx.cache.stats.hits, cacheMisses: ctx.cache.stats.misses }),
    async close() {
      ctx.cache.clear();
    },
  };
}

/**
 * execArgv for the threads without `--conditions`: a test runner may resolve workspace packages
 * to their TS sources that way, but the threads run built JS and must load built dependencies.
 */
export function threadExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i += 1) {
    const arg = execArgv[i] as string;
    if (arg === '--conditions' || arg === '-C') {
      i += 1;
      continue;
    }
    if (arg.startsWith('--conditions=') || arg.startsWith('-C=')) continue;
    out.push(arg);
  }
  return out;
}

interface ThreadHandle {
  dead: Error | undefined;
  worker: Worker;
  pending: Map<number, { resolve: (outcomes: DecodeOutcome[]) => void; reject: (error: Error) => void }>;
  stats: ThreadReply['stats'];
  inFlight: number;
}

function createThreadedPool(options: DecryptPoolOptions): DecryptPool {
  const script = threadScriptUrl();
  if (!existsSync(fileURLToPath(script))) {
    throw new Error(`decrypt thread script ${fileURLToPath(script)} is missing: build @das/worker first (npm run build -w @das/worker)`);
  }
  const init: ThreadInit = { resourceId: options.resourceId, aws: options.aws ?? { region: 'us-east-1' } };
  let nextId = 1;
  const threads: ThreadHandle[] = Array.from({ length: options.threads }, () => {
    const handle: ThreadHandle = {
      dead: undefined,
      worker: new Worker(script, { workerData: init, execArgv: threadExecArgv() }),
      pending: new Map(),
      stats: { hits: 0, misses: 0, kmsCalls: 0 },
      inFlight: 0,
    };
    handle.worker.on('message', (reply: ThreadReply) => {
      const waiter = handle.pending.get(reply.id);
      handle.pending.delete(reply.id);
      handle.stats = reply.stats;
      handle.inFlight -= 1;
      waiter?.resolve(reply.outcomes);
    });
    const failAll = (error: Error) => {
      handle.dead ??= error;
      for (const waiter of handle.pending.values()) waiter.reject(error);
      handle.pending.clear();
    };
    handle.worker.on('error', failAll);
    handle.worker.on('exit', (code) => failAll(new Error(`decrypt thread exited with code ${code}`)));
    return handle;
  });

  function send(handle: ThreadHandle, records: Uint8Array[]): Promise<DecodeOutcome[]> {
    const id = nextId++;
    if (handle.dead !== undefined) return Promise.reject(new Error(`decrypt thread is gone: ${handle.dead.message}`));
    handle.inFlight += 1;
    return new Promise((resolve, reject) => {
      handle.pending.set(id, { resolve, reject });
      const request: ThreadRequest = { id, records };
      handle.worker.postMessage(request);
    });
  }

  return {
    async decode(records) {
      if (records.length === 0) return [];
      // Contiguous slices, least busy threads first; reassembled in input order.
      const ordered = [...threads].sort((a, b) => a.inFlight - b.inFlight);
      const parts = Math.min(ordered.length, records.length);
      const size = Math.ceil(records.length / parts);
      const slices: Promise<DecodeOutcome[]>[] = [];
      for (let i = 0; i < parts; i += 1) {
        const slice = records.slice(i * size, (i + 1) * size);
        if (slice.length > 0) slices.push(send(ordered[i] as ThreadHandle, slice));
      }
      return (await Promise.all(slices)).flat();
    },
    stats() {
      const total = { kmsCalls: 0, cacheHits: 0, cacheMisses: 0 };
      for (const t of threads) {
        total.kmsCalls += t.stats.kmsCalls;
        total.cacheHits += t.stats.hits;
        total.cacheMisses += t.stats.misses;
      }
      return total;
    },
    async close() {
      await Promise.all(threads.map((t) => t.worker.terminate()));
    },
  };
}

/** Creates the pool: in-thread when `threads` is 0, else that many worker threads. */
export function createDecryptPool(options: DecryptPoolOptions): DecryptPool {
  return options.threads <= 0 ? createInThreadPool(options) : createThreadedPool(options);
}
