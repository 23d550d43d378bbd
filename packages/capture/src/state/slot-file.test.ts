import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlotFile } from './slot-file.js';

describe('createSlotFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'das-slot-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads nothing before the first write, then the newest text, writing the two slots by turns', async () => {
    const path = join(dir, 'state', 'position.json');
    const slots = createSlotFile(path);
    expect(slots.read()).toBeUndefined();
    slots.write('{"offset":1}');
    expect(await readdir(join(dir, 'state'))).toEqual(['position.json.1']);
    slots.write('{"offset":22,"é":"ü"}');
    slots.write('{"offset":3}'); // shorter than the slot's earlier text: its stale tail is ignored
    expect(await readdir(join(dir, 'state'))).toEqual(['position.json.0', 'position.json.1']);
    expect(slots.read()).toBe('{"offset":3}');
    // A new reader (a restart) finds the same, and numbers on from it.
    const again = createSlotFile(path);
    expect(again.read()).toBe('{"offset":3}');
    again.write('{"offset":4}');
    expect(createSlotFile(path).read()).toBe('{"offset":4}');
  });

  it('creates its directory again when it was removed', async () => {
    const path = join(dir, 'state', 'position.json');
    const slots = createSlotFile(path);
    slots.write('{"offset":1}');
    await rm(join(dir, 'state'), { recursive: true });
    slots.write('{"offset":2}');
    expect(createSlotFile(path).read()).toBe('{"offset":2}');
  });

  it('creates its files with the mode given', async () => {
    const path = join(dir, 'position.json');
    createSlotFile(path, 0o600).write('{}');
    expect((await stat(`${path}.1`)).mode & 0o777).toBe(0o600);
  });

  it('falls back to the older slot when the newer one is torn, and writes the next over the torn one', async () => {
    const path = join(dir, 'position.json');
    const slots = createSlotFile(path);
    slots.write('{"offset":1}'); // slot 1
    slots.write('{"offset":2}'); // slot 0
    const newer = await readFile(`${path}.0`);
    // A power loss kept only part of the write: the checksum no longer matches.
    await writeFile(`${path}.0`, newer.subarray(0, newer.length - 3));
    expect(createSlotFile(path).read()).toBe('{"offset":1}');
    // Same length, one byte changed.
    await writeFile(`${path}.0`, Buffer.from(newer.toString('latin1').replace('"offset":2', '"offset":7'), 'latin1'));
    const restarted = createSlotFile(path);
    expect(restarted.read()).toBe('{"offset":1}');
    restarted.write('{"offset":3}');
    expect(await readFile(`${path}.1`, 'utf8')).toContain('{"offset":1}');
    expect(createSlotFile(path).read()).toBe('{"offset":3}');
  });

  it('ignores files that are not slots', async () => {
    const path = join(dir, 'position.json');
    await writeFile(`${path}.0`, '{"offset":9}');
    await writeFile(`${path}.1`, 'DASSLOT1 x 3 0\n{}');
    expect(createSlotFile(path).read()).toBeUndefined();
  });

  it('removes both slots', async () => {
    const path = join(dir, 'position.json');
    const slots = createSlotFile(path);
    slots.write('a');
    slots.write('b');
    slots.remove();
    expect(await readdir(dir)).toEqual([]);
    expect(slots.read()).toBeUndefined();
    slots.write('c');
    expect(createSlotFile(path).read()).toBe('c');
  });
});
