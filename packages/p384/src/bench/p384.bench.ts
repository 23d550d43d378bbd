// ECDSA P-384 signatures of a DAS record's size (26 KB: the sealed ESDK message of 500 TPC-C events):
// node:crypto (OpenSSL) and the native table signer, alternated in one process; the ratio is the
// figure that carries to another machine. Run: npm run build && npm run bench -w @das/p384.
import { generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import { nativeP384Status, p384SigningKey, type P384SigningKey } from '../index.js';

const RECORD_BYTES = 26 * 1024;
const ROUNDS = Number(process.env.DAS_BENCH_ROUNDS ?? 5);
const SIGNATURES_PER_ROUND = Number(process.env.DAS_BENCH_SIGNATURES ?? 400);

/** CPU µs per signature over `count` signatures. */
function cpuPerSignature(key: P384SigningKey, data: Buffer, count: number): number {
  const started = process.cpuUsage();
  for (let i = 0; i < count; i++) key.sign(data);
  const spent = process.cpuUsage(started);
  return (spent.user + spent.system) / count;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const status = nativeP384Status();
console.log(`@das/p384 bench, Node ${process.version}; native addon: ${status.loaded ? 'loaded' : `not loaded (${status.reason})`}`);
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
const openssl = p384SigningKey(privateKey, { backend: 'node:crypto' });
const native = p384SigningKey(privateKey);
const data = randomBytes(RECORD_BYTES);
if (!verify('sha384', data, { key: publicKey, dsaEncoding: 'der' }, native.sign(data))) throw new Error('the native signature does not verify');
cpuPerSignature(openssl, data, 50);
cpuPerSignature(native, data, 50);
const times: Record<'openssl' | 'native', number[]> = { openssl: [], native: [] };
for (let round = 0; round < ROUNDS; round++) {
  times.openssl.push(cpuPerSignature(openssl, data, SIGNATURES_PER_ROUND));
  times.native.push(cpuPerSignature(native, data, SIGNATURES_PER_ROUND));
}
const [a, b] = [median(times.openssl), median(times.native)];
console.log(`  node:crypto (OpenSSL ${process.versions.openssl})   ${a.toFixed(1).padStart(7)} µs CPU per signature (median of ${ROUNDS} rounds of ${SIGNATURES_PER_ROUND})`);
console.log(`  ${native.backend.padEnd(33)}${b.toFixed(1).padStart(7)} µs CPU per signature`);
console.log(`  ratio                              ${(a / b).toFixed(2).padStart(7)} × faster`);
console.log(`  per TPC-C event (500 a record)     ${(a / 500).toFixed(2)} → ${(b / 500).toFixed(2)} µs`);
