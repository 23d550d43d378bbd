import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPositionStore } from './position-store.js';

describe('createPositionStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'das-position-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const checkpoint = (offset: number) => ({ version: 1 as const, offset });

  it('saves without renaming and loads the newest checkpoint', async () => {
    const store = createPositionStore<{ version: 1; offset: number }>(dir);
    expect(await store.load()).toBeUndefined();
    await store.save(checkpoint(1));
    await store.save(checkpoint(2));
    expect(await createPositionStore(dir).load()).toEqual(checkpoint(2));
    expect((await readdir(dir)).sort()).toEqual(['audit-position.json.0', 'audit-position.json.1']);
    await store.clear();
    expect(await readdir(dir)).toEqual([]);
  });

  it('reads the one-file checkpoint an earlier version wrote, and removes it once a slot holds a newer one', async () => {
    await writeFile(join(dir, 'pgaudit-position.json'), JSON.stringify(checkpoint(7)));
    const store = createPositionStore<{ version: 1; offset: number }>(dir, 'pgaudit-position.json');
    expect(await store.load()).toEqual(checkpoint(7));
    await store.save(checkpoint(8));
    expect(await readdir(dir)).toEqual(['pgaudit-position.json.1']);
    expect(await createPositionStore(dir, 'pgaudit-position.json').load()).toEqual(checkpoint(8));
  });

  it('treats a checkpoint of an unknown version or foreign text as none', async () => {
    await writeFile(join(dir, 'audit-position.json'), '{"version":2}');
    expect(await createPositionStore(dir).load()).toBeUndefined();
    await writeFile(join(dir, 'audit-position.json'), 'not json');
    expect(await createPositionStore(dir).load()).toBeUndefined();
  });
});
