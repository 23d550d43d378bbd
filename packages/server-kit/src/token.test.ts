import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateToken, tokensEqual } from './token.js';

const dirs: string[] = [];
async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'das-token-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('loadOrCreateToken', () => {
  it('prefers DAS_TOKEN and writes nothing', async () => {
    const dir = await tempDir();
    const source = await loadOrCreateToken({ token: 'from-env', dataDir: join(dir, 'data') });
    expect(source).toEqual({ token: 'from-env', created: false });
    await expect(stat(join(dir, 'data'))).rejects.toThrow();
  });

  it('generates a token once with mode 0600, then reads the same one back', async () => {
    const dir = await tempDir();
    const first = await loadOrCreateToken({ dataDir: dir });
    expect(first.created).toBe(true);
    expect(first.token.length).toBeGreaterThanOrEqual(32);
    expect((await stat(join(dir, 'token'))).mode & 0o777).toBe(0o600);
    const second = await loadOrCreateToken({ dataDir: dir });
    expect(second).toEqual({ token: first.token, created: false, path: join(dir, 'token') });
  });

  it('gives processes starting together the same token', async () => {
    const dir = await tempDir();
    const results = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateToken({ dataDir: dir })));
    expect(new Set(results.map((r) => r.token)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it('reads a token a user wrote by hand, trimming the newline', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'token'), 'hand-made\n');
    expect((await loadOrCreateToken({ dataDir: dir })).token).toBe('hand-made');
  });
});

describe('tokensEqual', () => {
  it('compares by content, whatever the lengths', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abc', 'abd')).toBe(false);
    expect(tokensEqual('abc', 'abcd')).toBe(false);
    expect(tokensEqual('', 'abc')).toBe(false);
  });
});
