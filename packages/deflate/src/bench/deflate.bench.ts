// gzip of record payloads (500 TPC-C-like events of JSON): zlib level 1 (node:zlib) and igzip
// level 1 (the addon), alternated in one process; the ratio carries to other machines.
// Run: npm run build && npm run bench -w @das/deflate
//      npm run bench -w @das/deflate -- --payloads <dir>   payloads saved as <dir>/*.json instead
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { gzipBackend, gzipFastest, type GzipBackend } from '../index.js';

const ROUNDS = Number(process.env.DAS_BENCH_ROUNDS ?? 5);
const PAYLOADS = 40;
const TABLES = ['stock', 'order_line', 'customer', 'district', 'warehouse', 'item', 'orders', 'new_order', 'history'];

function payload(seed: number): Buffer {
  const events = Array.from({ length: 500 }, (_, i) => {
    const n = seed * 500 + i;
    const table = TABLES[n % TABLES.length] as string;
    return {
      type: 'record',
      class: n % 2 === 0 ? 'AUX' : 'MAIN',
      clientApplication: null,
      command: n % 2 === 0 ? 'READ' : 'QUERY',
      commandText: n % 2 === 0 ? table : `SELECT c_discount, c_last, c_credit FROM ${table} WHERE c_w_id = 1 AND c_d_id = ${n % 10} AND c_id = ${(n * 7919) % 3000}`,
      databaseName: 'bench_tpcc',
      dbProtocol: 'MySQL',
      dbUserName: 'root',
      endTime: `2026-12-07 08:00:${String((n >> 9) % 60).padStart(2, '0')}.${String((n * 37) % 1e6).padStart(6, '0')}+00`,
      errorMessage: '',
      exitCode: n % 2 === 0 ? '' : '0',
      objectName: table,
      pid: 10 + (n % 4),
      remoteHost: '127.0.0.1',
      sessionId: String(10 + (n % 4)),
      statementId: 2000 + (n >> 1),
      substatementId: n % 2 === 0 ? 2 : 1,
    };
  });
  return Buffer.from(JSON.stringify({ type: 'DatabaseActivityMonitoringRecord', databaseActivityEventList: events }));
}

function cpuPerPayload(backend: GzipBackend, payloads: Buffer[]): { micros: number; bytes: number } {
  let bytes = 0;
  const started = process.cpuUsage();
  for (const p of payloads) bytes += gzipFastest(p, backend).length;
  const spent = process.cpuUsage(started);
  return { micros: (spent.user + spent.system) / payloads.length, bytes: bytes / payloads.length };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const status = gzipBackend();
console.log(`@das/deflate bench, Node ${process.version} (zlib ${process.versions.zlib}); addon: ${status.backend === 'isa-l' ? 'loaded' : `not loaded (${status.reason})`}`);
const at = process.argv.indexOf('--payloads');
const dir = at < 0 ? undefined : process.argv[at + 1];
const payloads =
  dir === undefined
    ? Array.from({ length: PAYLOADS }, (_, i) => payload(i))
    : readdirSync(dir)
        .filter((name) => name.endsWith('.json'))
        .sort()
        .slice(0, PAYLOADS)
        .map((name) => readFileSync(join(dir, name)));
if (payloads.length === 0) throw new Error(`no *.json payloads in ${dir}`);
const inputBytes = payloads.reduce((sum, p) => sum + p.length, 0) / payloads.length;
if (!gunzipSync(gzipFastest(payloads[0] as Buffer)).equals(payloads[0] as Buffer)) throw new Error('round trip failed');
const backends: GzipBackend[] = status.backend === 'isa-l' ? ['zlib', 'isa-l'] : ['zlib'];
const runs = new Map<GzipBackend, { micros: number; bytes: number }[]>(backends.map((b) => [b, []]));
for (let round = 0; round < ROUNDS; round++) for (const b of backends) runs.get(b)?.push(cpuPerPayload(b, payloads));
for (const b of backends) {
  const r = runs.get(b) ?? [];
  console.log(`  ${b.padEnd(11)} ${median(r.map((x) => x.micros)).toFixed(0).padStart(6)} µs CPU per payload of ${(inputBytes / 1024).toFixed(0)} KB (${(median(r.map((x) => x.micros)) / 500).toFixed(2)} µs per event), ${(median(r.map((x) => x.bytes)) / 1024).toFixed(1)} KB out`);
}
if (backends.length === 2) {
  const [zlib, native] = backends.map((b) => median((runs.get(b) ?? []).map((x) => x.micros))) as [number, number];
  console.log(`  ratio       ${(zlib / native).toFixed(2)} × faster (median of ${ROUNDS} rounds of ${payloads.length} payloads${dir === undefined ? ', synthetic' : ` from ${dir}`})`);
}
