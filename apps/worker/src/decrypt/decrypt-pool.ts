import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { createDataKeyCache, kmsPortFromClient, startBuiltThread, type DataKeyCache, type DecryptEngine, type KmsPort } from '@das/core';
import { createKmsClient, type AwsSettings } from '../aws/aws-clients.js';
import { decodeRecord, type DecodeOutcome } from './decode-record.js';
import { createKeyService, type KeyService } from './key-service.js';
import { packRecords } from './record-batch.js';
import type { FromThread, ThreadInit, ToThread } from './thread-protocol.js';

export type { DecodeOutcome } from './decode-record.js';

export interface DecryptPoolOptions {
  /** Worker threads; 0 decrypts on the calling thread (tests, one-core hosts). */
  threads: number;
  resourceId: string;
  /** The KMS the pool's one data-key cache loads from; default: a client built from `aws`. */
  kms?: KmsPort | undefined;
  /** How the KMS client is built when `kms` is not given. */
  aws?: AwsSettings | undefined;
  /** @das/core's message decrypter: `fast` (default) or `sdk` (the AWS Encryption SDK alone). */
  decryptEngine?: DecryptEngine | undefined;
}

export interface DecryptStats {
  kmsCalls: number;
  cacheHits: number;
  cacheMisses: number;
}

/**
 * Decrypts Kinesis records with @das/core, spread over worker threads so throughput grows with
 * cores. One data-key cache for the process: threads ask the main thread for data keys, so KMS
 * Decrypt calls = distinct data keys whatever the thread count. `decode` keeps the order of its
 * input, so callers keep shard order.
 */
export interface DecryptPool {
  decode(records: readonly Uint8Array[]): Promise<DecodeOutcome[]>;
  stats(): DecryptStats;
  close(): Promise<void>;
}

/** Records per message to a thread: small enough to balance threads, large enough to amortise a message. */
const MAX_BATCH_RECORDS = 128;

/** The built thread script: threads run plain JS from dist/, also when this module runs from src/ under vitest. */
export function threadScriptUrl(): URL {
  const here = new URL('./decrypt-thread.js', import.meta.url);
  if (import.meta.url.endsWith('.ts')) return new URL('../../dist/decrypt/decrypt-thread.js', import.meta.url);
  return here;
}

function kmsFor(options: DecryptPoolOptions): KmsPort {
  return options.kms ?? kmsPortFromClient(createKmsClient(options.aws ?? { region: 'us-east-1' }));
}

function statsOf(cache: DataKeyCache): DecryptStats {
  const { kmsCalls, hits, misses } = cache.stats;
  return { kmsCalls, cacheHits: hits, cacheMisses: misses };
}

function createInThreadPool(options: DecryptPoolOptions): DecryptPool {
  const cache = createDataKeyCache();
  const ctx = { kms: kmsFor(options), resourceId: options.resourceId, cache, decryptEngine: options.decryptEngine ?? 'fast' };
  return {
    async decode(records) {
      const outcomes: DecodeOutcome[] = [];
      for (const data of records) outcomes.push(await decodeRecord(data, ctx));
      return outcomes;
    },
    stats: () => statsOf(cache),
    async close() {
      cache.clear();
    },
  };
}

interface ThreadHandle {
  dead: Error | undefined;
  worker: Worker;
  pending: Map<number, { records: number; resolve: (outcomes: DecodeOutcome[]) => void; reject: (error: Error) => void }>;
  /** Records sent and not answered yet. */
  load: number;
}

function createThreadedPool(options: DecryptPoolOptions): DecryptPool {
  const script = threadScriptUrl();
  if (!existsSync(fileURLToPath(script))) {
    throw new Error(`decrypt thread script ${fileURLToPath(script)} is missing: build @das/worker first (npm run build -w @das/worker)`);
  }
  const service: KeyService = createKeyService({ kms: kmsFor(options), resourceId: options.resourceId });
  const init: ThreadInit = { resourceId: options.resourceId, decryptEngine: options.decryptEngine ?? 'fast' };
  let nextId = 1;
  const threads: ThreadHandle[] = Array.from({ length: options.threads }, () => {
    const handle: ThreadHandle = {
      dead: undefined,
      worker: startBuiltThread(script, { workerData: init }),
      pending: new Map(),
      load: 0,
    };
    handle.worker.on('message', (message: FromThread) => {
      if (message.type === 'keys') {
        void service.answer(message.keys).then((answers) => {
          if (handle.dead !== undefined) return;
          const reply: ToThread = { type: 'keys', id: message.id, answers };
          // Keys move to the thread; no copy stays behind here.
          handle.worker.postMessage(reply, answers.flatMap((a) => (a.ok ? [a.key.buffer as ArrayBuffer] : [])));
        });
        return;
      }
      const waiter = handle.pending.get(message.id);
      handle.pending.delete(message.id);
      if (waiter === undefined) return;
      handle.load -= waiter.records;
      // Events are plain JSON data (no undefined, Date or BigInt): the round trip is exact.
      waiter.resolve(JSON.parse(message.outcomes) as DecodeOutcome[]);
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

  function send(handle: ThreadHandle, records: readonly Uint8Array[]): Promise<DecodeOutcome[]> {
    const id = nextId++;
    if (handle.dead !== undefined) return Promise.reject(new Error(`decrypt thread is gone: ${handle.dead.message}`));
    handle.load += records.length;
    return new Promise((resolve, reject) => {
      handle.pending.set(id, { records: records.length, resolve, reject });
      const request: ToThread = { type: 'decode', id, records: packRecords(records) };
      handle.worker.postMessage(request, [request.records.buffer]);
    });
  }

  return {
    async decode(records) {
      if (records.length === 0) return [];
      // Contiguous batches, each to the least loaded thread; reassembled in input order.
      const size = Math.min(MAX_BATCH_RECORDS, Math.ceil(records.length / threads.length));
      const batches: Promise<DecodeOutcome[]>[] = [];
      for (let at = 0; at < records.length; at += size) {
        const target = threads.reduce((best, t) => (t.load < best.load ? t : best));
        batches.push(send(target, records.slice(at, at + size)));
      }
      return (await Promise.all(batches)).flat();
    },
    stats: () => statsOf(service.cache),
    async close() {
      await Promise.all(threads.map((t) => t.worker.terminate()));
      service.cache.clear();
    },
  };
}

/** Creates the pool: in-thread when `threads` is 0, else that many worker threads. */
export function createDecryptPool(options: DecryptPoolOptions): DecryptPool {
  return options.threads <= 0 ? createInThreadPool(options) : createThreadedPool(options);
}
