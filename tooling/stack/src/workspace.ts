import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file whose package.json declares workspaces. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && 'workspaces' in (JSON.parse(readFileSync(manifest, 'utf8')) as object)) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the DAS Toolkit repository root above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/**
 * The built entry of a workspace package's bin, read from its package.json so that the stack
 * follows whatever the app declares. Fails with the build command to run when it is missing.
 */
export function workspaceBin(packageDir: string, binName: string): string {
  const dir = join(repoRoot(), packageDir);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; bin?: string | Record<string, string> };
  const relative = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[binName];
  if (!relative) throw new Error(`${manifest.name} declares no bin "${binName}"`);
  const path = resolve(dir, relative);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first`);
  return path;
}
