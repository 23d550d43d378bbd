import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { readTextFile } from '../state/atomic-file.js';
import { createSlotFile } from '../state/slot-file.js';
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
 * Stores a capture's checkpoint in `<stateDir>/<fileName>.0` and `.1` (default
 * `audit-position.json`), written in place by turns with plain calls on the capture's thread
 * (see slot-file.ts: a rename per save cost ext4 a flush each time). Not fsynced: it is saved
 * after every put, several times a second, and each fsync lands on the disk the database syncs
 * its log to (measured: it cost PostgreSQL's TPC-C about a tenth of its throughput). It buys
 * nothing either: the emulator's Kinesis store (LevelDB) does not sync its writes, so after a
 * power loss the stream can lose the records a synced checkpoint would claim were put; a process
 * crash keeps both in the page cache. A checkpoint of an older version (one file, replaced by
 * rename) is still read.
 */
export function createPositionStore<T extends { version: 1 } = CaptureCheckpoint>(stateDir: string, fileName = 'audit-position.json'): PositionStore<T> {
  const legacyPath = join(stateDir, fileName);
  const slots = createSlotFile(legacyPath, 0o600);
  let legacyRemoved = false;
  return {
    async load() {
      const text = slots.read() ?? (await readTextFile(legacyPath));
      if (text === undefined) return undefined;
      try {
        const parsed = JSON.parse(text) as T;
        return parsed.version === 1 ? parsed : undefined;
      } catch {
        return undefined; // a foreign file is no position: start at the log's end
      }
    },
    async save(checkpoint) {
      slots.write(JSON.stringify(checkpoint));
      if (!legacyRemoved) rmSync(legacyPath, { force: true }); // stale once a slot is written
      legacyRemoved = true;
    },
    async clear() {
      slots.remove();
      rmSync(legacyPath, { force: true });
    },
  };
}
