#!/usr/bin/env node
// `npm start`, `npm test`, `npm run lab`, `npm run smoke` on any checkout, fresh or not: installs the
// dependencies when they are missing or older than package-lock.json, builds what changed, then runs
// the command. Dependency-free on purpose: it runs before anything is installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const [command, ...args] = process.argv.slice(2);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const say = (line) => console.log(`das: ${line}`);

/** Runs a step with its output shown as progress; a failed step ends the whole command. */
function step(program, programArgs, env = {}) {
  const result = spawnSync(program, programArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.error) {
    console.error(`das: could not run ${program}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** npm writes node_modules/.package-lock.json at the end of every install: it dates the install. */
function dependenciesAreCurrent() {
  const installed = join(root, 'node_modules/.package-lock.json');
  if (!existsSync(installed)) return false;
  return statSync(installed).mtimeMs >= statSync(join(root, 'package-lock.json')).mtimeMs;
}

const quiet = { TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };
const turbo = join(root, 'node_modules/.bin/turbo');
const stackCli = join(root, 'tooling/stack/dist/cli.js');

const commands = {
  start: () => [process.execPath, [stackCli, 'start', ...args]],
  lab: () => [process.execPath, [stackCli, 'lab', ...args]],
  test: () => [turbo, ['run', 'test', '--concurrency=1', ...args]],
  smoke: () => [npm, ['run', 'smoke', '-w', '@das/stack', ...(args.length > 0 ? ['--', ...args] : [])]],
};

const run = commands[command];
if (run === undefined) {
  console.error(`usage: node tooling/stack/bootstrap.mjs ${Object.keys(commands).join('|')} [args…]`);
  process.exit(2);
}
const wantsHelp = args.includes('--help') || args.includes('-h');

if (!dependenciesAreCurrent()) {
  say(existsSync(join(root, 'node_modules')) ? 'package-lock.json changed: installing dependencies (npm ci)…' : 'first run: installing dependencies (npm ci)…');
  step(npm, ['ci', '--no-audit', '--no-fund']);
}
// `test` builds through turbo's own task graph; the others need the built apps first.
if (command !== 'test' && !(wantsHelp && existsSync(stackCli))) {
  if (!existsSync(stackCli)) say('building the apps and the console (the first build takes about half a minute)…');
  step(turbo, ['run', 'build', '--output-logs=errors-only'], quiet);
}
// The command itself runs as a child that stops gracefully on Ctrl-C: wait for it, passing on a
// signal sent to this launcher alone, and exit with its code.
const [program, programArgs] = run();
const child = spawn(program, programArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, ...(command === 'test' ? quiet : {}) } });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  console.error(`das: could not run ${program}: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 1)));
