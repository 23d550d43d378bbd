import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root (this file is tooling/deploy/{src,dist}/pack-apps.*). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The apps that run as services, by the directory they live in. */
export const DEPLOYABLE_APPS = { api: 'apps/api', worker: 'apps/worker' } as const;
export type DeployableApp = keyof typeof DEPLOYABLE_APPS;

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
}

/** Workspace directory of every `@das/*` package (apps/*, packages/*, tooling/* as the root's workspaces). */
function workspaceDirs(): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const group of ['apps', 'packages', 'tooling']) {
    const groupDir = join(REPO_ROOT, group);
    if (!existsSync(groupDir)) continue;
    for (const entry of readdirSync(groupDir, { withFileTypes: true })) {
      const file = join(groupDir, entry.name, 'package.json');
      if (entry.isDirectory() && existsSync(file)) dirs.set((JSON.parse(readFileSync(file, 'utf8')) as Manifest).name, join(group, entry.name));
    }
  }
  return dirs;
}

/** The app and every `@das/*` package it needs at run time (dependencies, not devDependencies). */
export function runtimeWorkspaces(app: DeployableApp): string[] {
  const dirs = workspaceDirs();
  const needed: string[] = [];
  const visit = (dir: string) => {
    if (needed.includes(dir)) return;
    needed.push(dir);
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, dir, 'package.json'), 'utf8')) as Manifest;
    for (const name of Object.keys(manifest.dependencies ?? {})) {
      if (!name.startsWith('@das/')) continue;
      const depDir = dirs.get(name);
      if (!depDir) throw new Error(`${manifest.name} depends on ${name}, which is no workspace here`);
      visit(depDir);
    }
  };
  visit(DEPLOYABLE_APPS[app]);
  return needed;
}

/** What a workspace ships: its "files", or bin, dist and README when it names none. */
async function stageWorkspace(workspace: string, stageRoot: string): Promise<string> {
  const source = join(REPO_ROOT, workspace);
  const stage = join(stageRoot, workspace.replace(/\//g, '-'));
  await mkdir(stage, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as Manifest & { files?: string[] };
  await cp(join(source, 'package.json'), join(stage, 'package.json'));
  for (const entry of manifest.files ?? ['bin', 'dist', 'README.md']) {
    if (existsSync(join(source, entry))) await cp(join(source, entry), join(stage, entry), { recursive: true, filter: (path) => !path.endsWith('.tsbuildinfo') });
  }
  return stage;
}

export interface PackedApp {
  app: DeployableApp;
  /** `<out>/das-<app>`: package.json + tarballs/; `npm install --omit=dev` there installs the app. */
  dir: string;
  tarballs: string[];
}

/**
 * Packs an app and its internal packages with `npm pack` into `<out>/das-<app>/tarballs/` and
 * writes a package.json that depends on those tarballs, so `npm install --omit=dev` in that
 * directory (on the target host, or here) installs the built app with its registry dependencies
 * only. Needs `npm run build` first: each tarball carries the package's "files" (bin, dist, README).
 */
export async function packApp(app: DeployableApp, out: string): Promise<PackedApp> {
  const workspaces = runtimeWorkspaces(app);
  for (const dir of workspaces) {
    if (!existsSync(join(REPO_ROOT, dir, 'dist'))) throw new Error(`${dir}/dist is missing: run npm run build first`);
  }
  const dir = resolve(out, `das-${app}`);
  const tarballDir = join(dir, 'tarballs');
  await rm(dir, { recursive: true, force: true });
  await mkdir(tarballDir, { recursive: true });
  let packedJson = '';
  // Packed from a staged copy: packages without "files" would otherwise lose dist/ to .gitignore.
  const stageRoot = await mkdtemp(join(tmpdir(), `das-pack-${app}-`));
  try {
    const stages: string[] = [];
    for (const workspace of workspaces) stages.push(await stageWorkspace(workspace, stageRoot));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', tarballDir, ...stages], { cwd: stageRoot, maxBuffer: 64 * 1024 * 1024 });
    packedJson = stdout;
  } finally {
    await rm(stageRoot, { recursive: true, force: true });
  }
  const packed = JSON.parse(packedJson) as { name: string; filename: string }[];
  const dependencies = Object.fromEntries(packed.map((entry) => [entry.name, `file:tarballs/${entry.filename}`]));
  const rootManifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { engines?: Record<string, string> };
  // Every @das/* package is a top-level file: dependency, so the apps' "@das/core": "*" resolve to them, never to the registry.
  const manifest = { name: `das-${app}-deployment`, private: true, type: 'module', engines: rootManifest.engines, dependencies };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { app, dir, tarballs: packed.map((entry) => entry.filename) };
}

/** `npm run pack-apps -w @das/deploy -- [--out DIR] [api] [worker]` */
async function main(args: string[]): Promise<void> {
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 ? args[outIndex + 1] : join(REPO_ROOT, 'deploy', 'dist');
  if (out === undefined) throw new Error('--out needs a directory');
  const apps = args.filter((arg, index) => outIndex < 0 || (index !== outIndex && index !== outIndex + 1));
  const unknown = apps.filter((arg) => !(arg in DEPLOYABLE_APPS));
  if (unknown.length > 0) throw new Error(`unknown app(s) ${unknown.join(', ')}: give api and/or worker`);
  for (const app of (apps.length > 0 ? apps : Object.keys(DEPLOYABLE_APPS)) as DeployableApp[]) {
    const packed = await packApp(app, out);
    process.stdout.write(`${packed.dir}: ${packed.tarballs.join(', ')}\n  install: cd ${packed.dir} && npm install --omit=dev\n`);
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`pack-apps: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
