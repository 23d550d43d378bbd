import { appendFile, mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditTail, nextLookDelayMs, type AuditTail, type TailLine, type TailPosition } from './audit-tail.js';
import { silentLog } from './capture-log.js';

async function waitFor(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('audit tail', () => {
  let dir: string;
  let path: string;
  let tails: AuditTail[];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'das-tail-'));
    path = join(dir, 'server_audit.log');
    tails = [];
  });
  afterEach(async () => {
    for (const tail of tails) await tail.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function follow(from: TailPosition | 'end', seen: TailLine[]): AuditTail {
    const tail = createAuditTail({ path, from, pollIntervalMs: 20, log: silentLog, onLines: (lines) => void seen.push(...lines) });
    tails.push(tail);
    return tail;
  }

  it('starts at the end, skipping what was written before', async () => {
    await writeFile(path, 'old 1\nold 2\n');
    const seen: TailLine[] = [];
    await follow('end', seen).start();
    await appendFile(path, 'new 1\n');
    await waitFor(() => seen.length === 1, 'new line');
    expect(seen.map((l) => l.text)).toEqual(['new 1']);
  });

  it('waits for the rest of a partial line, also inside a multi-byte character', async () => {
    await writeFile(path, '');
    const seen: TailLine[] = [];
    const tail = follow('end', seen);
    await tail.start();
    const line = Buffer.from("20261125 02:23:25,vm,app,h,7,8,QUERY,,'SELECT \\'日本\\'',0\n");
    const cut = line.indexOf(Buffer.from('日')) + 1; // inside the 3-byte character
    await appendFile(path, line.subarray(0, cut));
    await tail.catchUp();
    expect(seen).toHaveLength(0);
    await appendFile(path, line.subarray(cut));
    await waitFor(() => seen.length === 1, 'the completed line');
    expect(seen[0]?.text).toBe(line.toString('utf8').trimEnd());
    expect(seen[0]?.position.offset).toBe(line.length);
  });

  it('reads a backlog of many chunks whole: lines across reads, one longer than two reads, multi-byte characters at the cuts', async () => {
    // Seeded lengths so that lines end at every kind of place within the 256 KB reads.
    let seed = 19;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) lines.push(`${i},${'日'.repeat(next() % 40)}${'x'.repeat(next() % 400)}`);
    lines.splice(1500, 0, `long,${'y'.repeat(600 * 1024)}`);
    await writeFile(path, '');
    const seen: TailLine[] = [];
    const tail = follow('end', seen);
    await tail.start();
    await appendFile(path, `${lines.join('\n')}\n`);
    await waitFor(() => seen.length === lines.length, 'every line', 10_000);
    expect(seen.map((l) => l.text)).toEqual(lines);
    let end = 0;
    for (const [i, line] of lines.entries()) {
      end += Buffer.byteLength(line) + 1;
      expect(seen[i]?.position.offset).toBe(end);
    }
  });

  it('finishes the rotated file before the new one, reading each line once', async () => {
    await writeFile(path, '');
    const seen: TailLine[] = [];
    await follow('end', seen).start();
    await appendFile(path, 'a1\na2\n');
    await waitFor(() => seen.length === 2, 'first lines');
    // Written to the old file after the tail saw it, then renamed away like the plugin does.
    await appendFile(path, 'a3\n');
    await rename(path, `${path}.1`);
    await writeFile(path, 'b1\n');
    await appendFile(path, 'b2\n');
    await waitFor(() => seen.length === 5, 'all lines');
    expect(seen.map((l) => l.text)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
  });

  it('follows several rotations that happened while it was not looking', async () => {
    await writeFile(path, 'x0\n');
    const seen: TailLine[] = [];
    const tail = follow('end', seen);
    await tail.start();
    await tail.stop(); // keeps nothing running while files move
    const resumeFrom = tail.position as TailPosition;
    await appendFile(path, 'x1\n');
    await rename(path, `${path}.1`);
    await writeFile(path, 'y1\n');
    await rename(`${path}.1`, `${path}.2`);
    await rename(path, `${path}.1`);
    await writeFile(path, 'z1\n');
    await follow(resumeFrom, seen).start();
    await waitFor(() => seen.length === 3, 'lines of three files');
    expect(seen.map((l) => l.text)).toEqual(['x1', 'y1', 'z1']);
  });

  it('resumes from a saved position: nothing twice, nothing skipped', async () => {
    await writeFile(path, '');
    const first: TailLine[] = [];
    const tail = follow('end', first);
    await tail.start();
    await appendFile(path, 'l1\nl2\nl3\n');
    await waitFor(() => first.length === 3, 'three lines');
    const saved = first[1]?.position as TailPosition; // as if l3 was read but not yet put
    await tail.stop();
    await appendFile(path, 'l4\n');
    const second: TailLine[] = [];
    await follow(JSON.parse(JSON.stringify(saved)) as TailPosition, second).start();
    await waitFor(() => second.length === 2, 'rest');
    expect(second.map((l) => l.text)).toEqual(['l3', 'l4']);
  });

  it('does not take a reused inode with other content for the saved file', async () => {
    await writeFile(path, 'first file line\n');
    const seen: TailLine[] = [];
    const tail = follow('end', seen);
    await tail.start();
    await appendFile(path, 'more\n');
    await waitFor(() => seen.length === 1, 'line');
    const saved = tail.position as TailPosition;
    await tail.stop();
    await unlink(path);
    await writeFile(path, 'another file entirely, line one\nline two\n');
    const after: TailLine[] = [];
    await follow({ ...saved, file: { ...saved.file } }, after).start();
    await waitFor(() => after.length === 2, 'lines of the new file');
    expect(after.map((l) => l.text)).toEqual(['another file entirely, line one', 'line two']);
  });

  it('waits for a log that does not exist yet and reads it from its first line', async () => {
    const seen: TailLine[] = [];
    await follow('end', seen).start();
    await writeFile(path, 'first\n');
    await waitFor(() => seen.length === 1, 'first line');
    expect(seen[0]?.text).toBe('first');
  });
});

describe('nextLookDelayMs', () => {
  it('looks again soon after a trickle, and less often while lines come fast', () => {
    expect(nextLookDelayMs(200, 25)).toBe(25); // a statement or two
    expect(nextLookDelayMs(5_000, 25)).toBe(25); // ~1,300 lines a second
    expect(nextLookDelayMs(46_000, 25)).toBe(100); // TPC-C: ~12,000 lines a second
    expect(nextLookDelayMs(185_000, 100)).toBe(100);
    // The first look after an idle spell: its bytes came over the whole spell.
    expect(nextLookDelayMs(30_000, 60_000)).toBe(25);
    expect(nextLookDelayMs(30_000, 0)).toBe(100);
  });
});
