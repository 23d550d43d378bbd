import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface AtomicWriteOptions {
  /**
   * fsync before the rename (default). Without it the replacement is still atomic for readers and
   * survives a crash of the process, but not a power loss: for state written many times a second
   * whose companion data is not synced either.
   */
  sync?: boolean;
}

/**
 * Writes a file so that readers see either the old or the new content, never a torn one:
 * write a temp file beside it, fsync, rename over. `mode` applies from creation (0600 for
 * key material, so it is never briefly world-readable).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644, options: AtomicWriteOptions = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(data);
    if (options.sync !== false) await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** A file's text, or `undefined` when it does not exist. */
export async function readTextFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Parsed JSON of a file, or `undefined` when it does not exist. */
export async function readJsonFile<T>(path: string): Promise<T | undefined> {
  const text = await readTextFile(path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`State file ${path} is not valid JSON; fix or remove it.`);
  }
}

/** Serialises async writes of one state file so saves never interleave. */
export class SerialWriter {
  private tail: Promise<void> = Promise.resolve();

  run(task: () => Promise<void>): Promise<void> {
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
