import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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

export interface PositionStore {
  load(): Promise<CaptureCheckpoint | undefined>;
  save(checkpoint: CaptureCheckpoint): Promise<void>;
  clear(): Promise<void>;
}

/** Stores the checkpoint as `<stateDir>/audit-position.json`, replaced atomically (temp file, fsync, rename). */
export function createPositionStore(stateDir: string): PositionStore {
  const path = join(stateDir, 'audit-position.json');
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      try {
        const parsed = JSON.parse(text) as CaptureCheckpoint;
        return parsed.version === 1 ? parsed : undefined;
      } catch {
        return undefined; // a torn or foreign file is no position: start at the log's end
      }
    },
    async save(checkpoint) {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify(checkpoint));
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await rename(temp, path);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
    async clear() {
      await rm(path, { force: true });
    },
  };
}
