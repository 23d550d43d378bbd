import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDuckDbEventStore } from './duckdb-event-store.js';

describe('the event store on disk', () => {
  it('keeps its directory 0700 and its database 0600: it holds SQL text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'das-store-modes-'));
    const previous = process.umask(0o022);
    try {
      const path = join(dir, 'worker', 'events.duckdb');
      const store = await createDuckDbEventStore({ path });
      await store.close();
      expect((await stat(join(dir, 'worker'))).mode & 0o777).toBe(0o700);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(previous);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
