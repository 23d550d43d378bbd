// Builds the signer addon (native/) with node-gyp and puts it at dist/native/p384.node. Without a
// C compiler the build says why and stops there: the signatures then come from node:crypto, as
// before, only slower. DAS_P384_REQUIRED=1 (CI) makes a failed build fail.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const native = join(root, 'native');
const target = join(root, 'dist', 'native', 'p384.node');

/** npm passes its own node-gyp to scripts; outside npm, the one bundled with npm. */
function nodeGyp() {
  const candidates = [process.env.npm_config_node_gyp, join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')];
  return candidates.find((path) => path !== undefined && path !== '' && existsSync(path));
}

function fail(reason) {
  const message = `@das/p384: the native signer was not built (${reason}); ECDSA P-384 signatures fall back to node:crypto`;
  if (process.env.DAS_P384_REQUIRED === '1') {
    console.error(`${message}, and DAS_P384_REQUIRED=1 asks for it`);
    process.exit(1);
  }
  console.warn(message);
  process.exit(0);
}

const gyp = nodeGyp();
if (gyp === undefined) fail('node-gyp not found');
const run = spawnSync(process.execPath, [gyp, 'rebuild', '--release', ...(process.env.npm_config_nodedir ? [] : nodeDirArgs())], { cwd: native, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (run.status !== 0) {
  process.stderr.write(run.stderr.split('\n').filter((line) => !line.startsWith('gyp info')).join('\n'));
  fail(`node-gyp exited with ${run.status ?? run.signal}`);
}
mkdirSync(dirname(target), { recursive: true });
// A new file renamed over the old one: a process that has the old addon loaded keeps its copy
// (writing into a loaded shared object would crash it).
const staged = `${target}.${process.pid}`;
copyFileSync(join(native, 'build', 'Release', 'p384.node'), staged);
renameSync(staged, target);
console.log(`@das/p384: built ${target}`);

/** Node's headers where a distribution installs them (/usr/include/node), so node-gyp needs no download. */
function nodeDirArgs() {
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}
