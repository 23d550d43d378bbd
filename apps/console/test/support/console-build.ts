// Builds the console once for browser tests, into dist/ (what the API serves in production).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const CONSOLE_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CONSOLE_DIST = fileURLToPath(new URL('../../dist', import.meta.url));

/**
 * Runs `vite build` in a child process with NODE_ENV=production (vitest sets it to `test`, which
 * would make a development build).
 */
export async function buildConsole(): Promise<string> {
  const viteBin = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js');
  await promisify(execFile)(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], {
    cwd: CONSOLE_ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (!existsSync(`${CONSOLE_DIST}/index.html`)) throw new Error(`vite build left no ${CONSOLE_DIST}/index.html`);
  return CONSOLE_DIST;
}
