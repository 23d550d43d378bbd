// Builds a package's Node-API addon (its native/ folder) with node-gyp and puts it at
// dist/native/<name>.node:  node ../../tooling/native/build-addon.mjs <name> [header the build needs]
// Without a C compiler, or without the header (a library's -dev package), the build says why and
// stops there: the package then falls back to its JavaScript path. DAS_NATIVE_REQUIRED=1 (CI)
// makes a failed build fail.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';

const [name, header] = process.argv.slice(2);
if (name === undefined) {
  console.error('usage: build-addon.mjs <name> [required header, e.g. libdeflate.h]');
  process.exit(2);
}
const root = process.cwd();
const native = join(root, 'native');
const target = join(root, 'dist', 'native', `${name}.node`);

function fail(reason) {
  const message = `${name}: the native addon was not built (${reason}); the package falls back to its JavaScript path`;
  if (process.env.DAS_NATIVE_REQUIRED === '1') {
    console.error(`${message}, and DAS_NATIVE_REQUIRED=1 asks for it`);
    process.exit(1);
  }
  console.warn(message);
  process.exit(0);
}

/** npm passes its own node-gyp to scripts; outside npm, the one bundled with npm. */
function nodeGyp() {
  const candidates = [process.env.npm_config_node_gyp, join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')];
  return candidates.find((path) => path !== undefined && path !== '' && existsSync(path));
}

/** Node's headers where a distribution installs them (/usr/include/node), so node-gyp needs no download. */
function nodeDirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

const includeDirs = ['/usr/include', '/usr/local/include', '/opt/homebrew/include'];
if (header !== undefined && !includeDirs.some((dir) => existsSync(join(dir, header)))) fail(`${header} not found; Debian: the library's -dev package`);
const gyp = nodeGyp();
if (gyp === undefined) fail('node-gyp not found');
const run = spawnSync(process.execPath, [gyp, 'rebuild', '--release', ...nodeDirArgs()], { cwd: native, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (run.status !== 0) {
  process.stderr.write(run.stderr.split('\n').filter((line) => !line.startsWith('gyp info')).join('\n'));
  fail(`node-gyp exited with ${run.status ?? run.signal}`);
}
mkdirSync(dirname(target), { recursive: true });
// A new file renamed over the old one: a process that has the old addon loaded keeps its copy
// (writing into a loaded shared object would crash it).
const staged = `${target}.${process.pid}`;
copyFileSync(join(native, 'build', 'Release', `${name}.node`), staged);
renameSync(staged, target);
console.log(`${name}: built ${target}`);
