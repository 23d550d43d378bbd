// Benchmark: prepare time of one warehouse, then tpmC / p95 at 1, 4 and 16 threads, and Debian's
// `sysbench oltp_read_write` on the same MariaDB at the same thread counts for scale.
// Runs against the built library (dist/); `npm run bench -w @das/tpcc` builds first via turbo.
// Env: BENCH_SECONDS (default 20), BENCH_THREADS (default "1,4,16"), MYSQL_HOST/MYSQL_PORT/MYSQL_USER/MYSQL_PWD.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cleanup, prepare, run } from '../dist/index.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const threadCounts = (process.env.BENCH_THREADS ?? '1,4,16').split(',').map(Number);
const server = {
  host: process.env.MYSQL_HOST ?? '127.0.0.1',
  port: Number(process.env.MYSQL_PORT ?? 3306),
  user: process.env.MYSQL_USER ?? 'root',
  password: process.env.MYSQL_PWD ?? '',
};
const tag = `${process.pid}_${randomBytes(3).toString('hex')}`;
const line = (s) => process.stdout.write(`${s}\n`);

function ensureSysbench() {
  if (spawnSync('sysbench', ['--version']).status === 0) return true;
  line('sysbench is missing: installing it with apt-get (Debian package sysbench) ...');
  const r = spawnSync('sh', ['-c', 'apt-get install -y -q sysbench >/dev/null 2>&1 || (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q sysbench >/dev/null 2>&1)']);
  if (r.status !== 0 || spawnSync('sysbench', ['--version']).status !== 0) {
    line('could not install sysbench; the sysbench comparison is skipped');
    return false;
  }
  return true;
}

function sysbench(database, command, extra = []) {
  const args = [
    'oltp_read_write', `--mysql-host=${server.host}`, `--mysql-port=${server.port}`, `--mysql-user=${server.user}`,
    `--mysql-password=${server.password}`, `--mysql-db=${database}`, '--tables=4', '--table-size=25000', '--db-ps-mode=disable', ...extra, command,
  ];
  return execFileSync('sysbench', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

async function main() {
  line(`@das/tpcc bench: ${seconds}s per run, threads ${threadCounts.join('/')}, MariaDB at ${server.host}:${server.port}`);
  const serial = { ...server, database: `tpcc_bench_serial_${tag}` };
  const conn = { ...server, database: `tpcc_bench_${tag}` };
  let sysbenchDb;
  try {
    const one = await prepare(serial, { warehouses: 1, concurrency: 1 });
    await cleanup(serial);
    const loaded = await prepare(conn, { warehouses: 1 });
    line(`prepare 1 warehouse: ${loaded.elapsedSec}s with 3 connections (${loaded.rowsLoaded} rows, ${Math.round(loaded.rowsLoaded / loaded.elapsedSec)} rows/s); ` +
      `${one.elapsedSec}s with 1 connection (x${(one.elapsedSec / loaded.elapsedSec).toFixed(2)})`);
    const haveSysbench = ensureSysbench();
    if (haveSysbench) {
      sysbenchDb = `sbtest_bench_${tag}`;
      execFileSync('mysql', [`-h${server.host}`, `-P${server.port}`, `-u${server.user}`, '-e', `CREATE DATABASE ${sysbenchDb}`], {
        env: { ...process.env, MYSQL_PWD: server.password },
      });
      sysbench(sysbenchDb, 'prepare');
    }
    // tpcc and sysbench back to back per thread count, so both see the same background load.
    for (const threads of threadCounts) {
      const r = await run(conn, { threads, durationSec: seconds, reportIntervalSec: 3600 });
      line(`tpcc threads=${threads}: tpmC=${r.tpmC} tps=${r.tps} p50=${r.latencyMs.p50}ms p95=${r.latencyMs.p95}ms p99=${r.latencyMs.p99}ms retries=${r.retries} errors=${r.errors}`);
      if (!haveSysbench) continue;
      const out = sysbench(sysbenchDb, 'run', [`--threads=${threads}`, `--time=${seconds}`]);
      const tps = Number(/transactions:\s+\d+\s+\(([\d.]+) per sec/.exec(out)?.[1] ?? NaN);
      const p95 = Number(/95th percentile:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
      line(`sysbench oltp_read_write threads=${threads}: tps=${tps} p95=${p95}ms; tpcc/sysbench tps ratio ${(r.tps / tps).toFixed(2)}`);
    }
    if (haveSysbench) sysbench(sysbenchDb, 'cleanup');
  } finally {
    await cleanup(serial).catch(() => undefined);
    await cleanup(conn).catch(() => undefined);
    if (sysbenchDb) {
      spawnSync('mysql', [`-h${server.host}`, `-P${server.port}`, `-u${server.user}`, '-e', `DROP DATABASE IF EXISTS ${sysbenchDb}`], {
        env: { ...process.env, MYSQL_PWD: server.password },
      });
    }
  }
}

await main();
