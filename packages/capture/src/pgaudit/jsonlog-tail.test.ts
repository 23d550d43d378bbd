import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createJsonlogTail } from './jsonlog-tail.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function logDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'das-jsonlog-'));
  dirs.push(dir);
  return dir;
}

const line = (n: number) => `{"timestamp":"2026-12-06 14:00:00.000 UTC","message":"line ${n}"}\n`;

describe('the jsonlog tail', () => {
  it('reads whole lines only, across a rotation, in order', async () => {
    const dir = await logDir();
    const first = join(dir, 'postgresql-20261206-140000.json');
    await writeFile(first, line(1) + line(2) + '{"timestamp":"2026-12-06 14:00:00.000 UTC","mess');
    const tail = createJsonlogTail({ dir, from: 'start' });
    expect((await tail.read()).lines.map((l) => JSON.parse(l).message)).toEqual(['line 1', 'line 2']);
    // The partial line waits for its newline.
    expect((await tail.read()).lines).toEqual([]);
    await appendFile(first, 'age":"line 3"}\n');
    await writeFile(join(dir, 'postgresql-20261206-140500.json'), line(4) + line(5));
    await writeFile(join(dir, 'postgresql-20261206-140400.log'), 'not json: another destination\n');
    const after = await tail.read();
    expect(after.lines.map((l) => JSON.parse(l).message)).toEqual(['line 3', 'line 4', 'line 5']);
    expect(after.position).toEqual({ file: 'postgresql-20261206-140500.json', offset: line(4).length + line(5).length });
  });

  it('resumes from a saved position with nothing lost or repeated, and skips a file removed under it', async () => {
    const dir = await logDir();
    await writeFile(join(dir, 'postgresql-20261206-140000.json'), line(1) + line(2));
    const tail = createJsonlogTail({ dir, from: 'start' });
    const saved = (await tail.read()).position!;
    await appendFile(join(dir, 'postgresql-20261206-140000.json'), line(3));
    await writeFile(join(dir, 'postgresql-20261206-140100.json'), line(4));
    const resumed = createJsonlogTail({ dir, from: saved });
    expect((await resumed.read()).lines.map((l) => JSON.parse(l).message)).toEqual(['line 3', 'line 4']);

    const gone = createJsonlogTail({ dir, from: { file: 'postgresql-20261206-135900.json', offset: 10 } });
    expect((await gone.read()).lines.map((l) => JSON.parse(l).message)).toEqual(['line 1', 'line 2', 'line 3', 'line 4']);
  });

  it('starts at the end when asked, and reads a large file in bounded steps', async () => {
    const dir = await logDir();
    const file = join(dir, 'postgresql-20261206-140000.json');
    await writeFile(file, line(1));
    const tail = createJsonlogTail({ dir, from: 'end', maxBytes: 200 });
    expect((await tail.read()).lines).toEqual([]);
    await appendFile(file, Array.from({ length: 10 }, (_, i) => line(i + 2)).join(''));
    const seen: string[] = [];
    for (let i = 0; i < 20 && seen.length < 10; i += 1) seen.push(...(await tail.read()).lines.map((l) => JSON.parse(l).message as string));
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i + 2}`));
    // One line longer than a read is read whole.
    const long = `{"timestamp":"2026-12-06 14:00:00.000 UTC","message":"${'x'.repeat(1000)}"}\n`;
    await appendFile(file, long + line(12));
    expect((await tail.read()).lines.map((l) => (JSON.parse(l).message as string).length)).toEqual([1000, 7]);
  });
});
