import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomicUnsyncedSync } from './atomic-file.js';

describe('writeFileAtomicUnsyncedSync', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('creates the directory, replaces the file whole with its mode, and leaves no temp file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'das-atomic-'));
    const path = join(dir, 'state', 'position.json');
    writeFileAtomicUnsyncedSync(path, '{"offset":1}', 0o600);
    writeFileAtomicUnsyncedSync(path, '{"offset":22}', 0o600);
    expect(await readFile(path, 'utf8')).toBe('{"offset":22}');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 'state'))).toEqual(['position.json']);
  });

  it('fails on a path it cannot write, and leaves nothing behind', async () => {
    dir = await mkdtemp(join(tmpdir(), 'das-atomic-'));
    const path = join(dir, 'a-directory');
    writeFileAtomicUnsyncedSync(join(path, 'inner.json'), '{}');
    // Renaming a file over a non-empty directory fails.
    expect(() => writeFileAtomicUnsyncedSync(path, '{}')).toThrow();
    expect(await readdir(dir)).toEqual(['a-directory']);
  });
});
