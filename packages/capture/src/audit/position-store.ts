import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readTextFile, writeFileAtomicUnsyncedSync } from '../state/atomic-file.js';
import type { TailPosition } from './audit-tail.js';
import type { EventMapperSnapshot } from './event-mapper.js';

/**
 * What the capture saves after each put: where the log was read to, with the mapper's state at
 * that same line, for the stream it belongs to. A restart of the emulator with the stream still
 * started resumes here; a stopped stream removes it, so a later start begins at the log's end.
 */
export interface CaptureCheckpoint {
  version: 1;
  streamName: string;
  resourceId: string;
  position: TailPosition;
  mapper: EventMapperSnapshot;
  /** The last event time handed out, so times stay increasing across restarts. */
  lastTimeUs: number;
}

export interface PositionStore<T extends { version: 1 } = CaptureCheckpoint> {
  load(): Promise<T | undefined>;
  save(checkpoint: T): Promise<void>;
  clear(): Promise<void>;
}

/**
 * Stores a capture's checkpoint as `<stateDir>/<fileName>` (default `audit-position.json`),
 * replaced atomically (temp file, rename) by synchronous calls. Not fsynced: it is saved after every put, several
 * times a second, and each fsync lands on the disk the database syncs its log to (measured: it
 * cost PostgreSQL's TPC-C about a tenth of its throughput). It buys nothing either: the emulator's
 * Kinesis store (LevelDB) does not sync its writes, so after a power loss the stream can lose the
 * records a synced checkpoint would claim were put; a process crash keeps both in the page cache.
 */
export function createPositionStore<T extends { version: 1 } = CaptureCheckpoint>(stateDir: string, fileName = 'audit-position.json'): PositionStore<T> {
  const path = join(stateDir, fileName);
  return {
    async load() {
      const text = await readTextFile(path);
      if (text === undefined) return undefined;
      try {
        const parsed = JSON.parse(text) as T;
        return parsed.version === 1 ? parsed : undefined;
      } catch {
        return undefined; // a torn or foreign file is no position: start at the log's end
      }
    },
    async save(checkpoint) {
      // Synchronous: the capture's thread does the work itself (see writeFileAtomicUnsyncedSync).
      writeFileAtomicUnsyncedSync(path, JSON.stringify(checkpoint), 0o600);
    },
    async clear() {
      await rm(path, { force: true });
    },
  };
}
