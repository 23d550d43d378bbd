// The first hour of a new user, on a fresh clone of this repository's HEAD (committed work only):
// `npm start` with no node_modules, every bin's --help, the synthetic fallback without mariadbd,
// the READMEs' commands, and one clear line for each mistake a user makes at start.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../src/workspace.js';
import { alive, processTree } from './processes.js';

const exec = promisify(execFile);
let dir: string;
let clone: string;

/** `npm <args>` in the clone, its output collected, in its own process group (Ctrl-C reaches all of it). */
class NpmRun {
  output = '';
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(args: string[], env: Record<string, string> = {}) {
    // The clone builds through this checkout's turbo cache: the same sources give the same outputs,
    // and a cold build of every package would add minutes to the suite without testing more.
    const cache = { TURBO_CACHE_DIR: join(repoRoot(), '.turbo', 'cache') };
    this.child = spawn('npm', args, { cwd: clone, env: { ...process.env, ...cache, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.child.stdout, this.child.stderr]) stream?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  async waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.output.match(pattern);
      if (match) return match;
      if (this.child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${String(pattern)} in:\n${this.output.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /**
   * Ctrl-C as a terminal sends it: SIGINT to the whole process group. Resolves with how the stack
   * itself ended (npm re-raises the signal on itself, so its own exit says little).
   */
  async interrupt(): Promise<string> {
    this.signalGroup('SIGINT');
    await this.exited;
    return this.output.includes('das: stopped; data kept.') ? 'stopped cleanly' : 'no clean stop';
  }

  /** Signals whatever is left of the process group (nothing, once it has all exited). */
  signalGroup(signal: NodeJS.Signals): void {
    try {
      process.kill(-(this.child.pid as number), signal);
    } catch {
      // ESRCH: the group is gone.
    }
  }

  /** Runs `check`; on failure the end of the output explains what the command did. */
  async explain<T>(check: () => Promise<T>): Promise<T> {
    try {
      return await check();
    } catch (error) {
      (error as Error).message += `\n--- output of npm ${this.child.spawnargs.slice(1).join(' ')} ---\n${this.output.slice(-4000)}`;
      throw error;
    } finally {
      this.signalGroup('SIGKILL');
    }
  }
}

/** Every bin that a workspace package of the clone declares. */
function declaredBins(): string[] {
  const bins: string[] = [];
  for (const group of ['apps', 'packages', 'tooling']) {
    for (const name of readdirSync(join(clone, group))) {
      const manifest = join(clone, group, name, 'package.json');
      if (!existsSync(manifest)) continue;
      const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: Record<string, string> };
      bins.push(...Object.keys(bin ?? {}));
    }
  }
  return bins;
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'das-fresh-'));
  clone = join(dir, 'clone');
  await exec('git', ['clone', '--quiet', repoRoot(), clone]);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a fresh clone', () => {
  it('starts with `npm start` alone (installs, builds, serves the console), runs `npm run lab` from a second terminal, and Ctrl-C leaves nothing behind', { timeout: 720_000 }, async () => {
    expect(existsSync(join(clone, 'node_modules'))).toBe(false);
    // As the README says it: the default ports, so that `npm run lab` finds the stack on its own.
    const start = new NpmRun(['start', '--', '--data-dir', join(dir, 'data')]);
    await start.explain(async () => {
      await start.waitFor(/installing dependencies \(npm ci\)/, 30_000);
      const [, consoleUrl] = await start.waitFor(/Console:\s+(\S+)/, 600_000);
      for (const label of ['Token:', 'API:', 'Worker:', 'AWS endpoint:', 'Stream source:', 'Data:', 'Ctrl-C']) expect(start.output).toContain(label);
      const apiUrl = new URL(consoleUrl as string).origin;
      const page = await fetch(apiUrl);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="app">');

      const lab = await exec('npm', ['run', 'lab'], { cwd: clone, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
      for (const step of ['1. ', '2. ', '3. ', '4. ', '5. ', 'Lab complete.']) expect(lab.stdout, step).toContain(step);
      expect(lab.stdout).toMatch(/[1-9]\d* decrypted event\(s\) shown/);

      const tree = processTree([start.child.pid as number]);
      expect(tree.length).toBeGreaterThan(4);
      expect(await start.interrupt()).toBe('stopped cleanly');
      expect(tree.filter(alive)).toEqual([]);
      await expect(fetch(apiUrl)).rejects.toThrow();
    });
  });

  it('answers --help with usage and exit code 0 for every bin, through npx', async () => {
    const bins = declaredBins();
    expect(bins).toEqual(expect.arrayContaining(['das-local', 'das-api', 'das-worker', 'das', 'das-tpcc', 'das-stack']));
    for (const bin of bins) {
      const { stdout } = await exec('npx', ['--no-install', bin, '--help'], { cwd: clone });
      expect(stdout, bin).toMatch(/usage/i);
    }
  });

  it('comes up without mariadbd: one line says what is missing and how to install it, and synthetic events feed the stream', async () => {
    const empty = join(dir, 'no-mariadb');
    await mkdir(empty);
    const start = new NpmRun(['start', '--', '--free-ports', '--data-dir', join(dir, 'data-synthetic')], { DAS_MARIADB_DIRS: empty });
    await start.explain(async () => {
      const [, consoleUrl] = await start.waitFor(/Console:\s+(\S+)/, 300_000);
      const notes = start.output.split('\n').filter((line) => line.includes('mariadbd is not installed'));
      expect(notes).toHaveLength(1);
      expect(notes[0]).toContain('apt-get install mariadb-server');
      expect(notes[0]).toContain('brew install mariadb');
      expect(start.output).toMatch(/Stream source: synthetic events/);
      const config = (await (await fetch(`${new URL(consoleUrl as string).origin}/console-config`)).json()) as { streamSource?: { kind: string; note?: string } };
      expect(config.streamSource?.kind).toBe('synthetic');
      expect(config.streamSource?.note).toContain('mariadbd is not installed');
      expect(await start.interrupt()).toBe('stopped cleanly');
    });
  });

  it('says in one line what is wrong, and how to fix it, for a bad DAS_TOKEN, a port in use and a data directory it cannot write', async () => {
    const badToken = new NpmRun(['start', '--', '--free-ports', '--data-dir', join(dir, 'data-token')], { DAS_TOKEN: 'short' });
    expect(await badToken.exited).toBe(2);
    expect(badToken.output).toMatch(/DAS_TOKEN must be at least 16 visible characters.*unset it/);

    const blocker = await occupy(7400).catch(() => undefined);
    try {
      const portTaken = new NpmRun(['start', '--', '--data-dir', join(dir, 'data-port')]);
      expect(await portTaken.exited).toBe(1);
      expect(portTaken.output).toMatch(/das: port 7400 \(the api\) on 127\.0\.0\.1 is in use: .*stop it/);
    } finally {
      blocker?.close();
    }

    // A regular file where a directory must be: not writable whoever runs the test (root included).
    const file = join(dir, 'a-file');
    await writeFile(file, '');
    const unwritable = new NpmRun(['start', '--', '--free-ports', '--data-dir', join(file, 'data')]);
    expect(await unwritable.exited).toBe(1);
    expect(unwritable.output).toMatch(/the data directory .*a-file\/data is not writable \(ENOTDIR\): .*--data-dir/);

    const worker = await exec('npx', ['--no-install', 'das-worker'], { cwd: clone, env: { ...process.env, DAS_DATA_DIR: join(file, 'w') } }).catch((error: { code: number; stderr: string }) => error);
    expect(worker).toMatchObject({ code: 1 });
    // Its own lines only: on Node 20 the AWS SDK adds its end-of-support notice (see the README).
    const ownLines = (worker as { stderr: string }).stderr.split('\n').filter((line) => line.startsWith('das-worker:'));
    expect(ownLines).toEqual([expect.stringMatching(/^das-worker: the data directory .* is not writable \(ENOTDIR\): .*DAS_DATA_DIR/)]);

    const api = await exec('npx', ['--no-install', 'das-api'], { cwd: clone, env: { ...process.env, DAS_TOKEN: 'x'.repeat(8), AWS_REGION: 'us-east-1' } }).catch((error: { code: number; stderr: string }) => error);
    expect(api).toMatchObject({ code: 2 });
    expect((api as { stderr: string }).stderr).toContain('DAS_TOKEN must be at least 16 visible characters');
  });
});
