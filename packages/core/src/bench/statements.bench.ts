// Cost of the per-event statement work on TPC-C statements: the fingerprint, the redaction and
// the category, in ns per statement. Run: npm run build -w @das/core && npm run bench:statements -w @das/core.
import { redactStatement, statementCategory, statementFingerprint } from '../statements/index.js';
import { TPCC_STATEMENTS } from './tpcc-statements.js';

const RUN_MS = Number(process.env.DAS_BENCH_RUN_MS ?? 1000);

function measure(name: string, work: (sql: string) => unknown): void {
  let sink = 0;
  // Warm up so the JIT has compiled the loop before timing.
  for (let i = 0; i < 20_000; i += 1) sink += String(work(TPCC_STATEMENTS[i % TPCC_STATEMENTS.length] as string)).length;
  let count = 0;
  const started = process.hrtime.bigint();
  // CPU time, not wall time: other processes on a shared machine do not count.
  const cpu = process.cpuUsage();
  const deadline = started + BigInt(RUN_MS) * 1_000_000n;
  while (process.hrtime.bigint() < deadline) {
    for (const sql of TPCC_STATEMENTS) sink += String(work(sql)).length;
    count += TPCC_STATEMENTS.length;
  }
  const used = process.cpuUsage(cpu);
  const ns = ((used.user + used.system) * 1000) / count;
  const wall = Number(process.hrtime.bigint() - started) / count;
  console.log(`${name.padEnd(22)} ${ns.toFixed(0).padStart(6)} ns/statement CPU (${wall.toFixed(0)} wall; ${count} statements, sink ${sink % 7})`);
}

const averageLength = TPCC_STATEMENTS.reduce((sum, sql) => sum + sql.length, 0) / TPCC_STATEMENTS.length;
console.log(`TPC-C statements: ${TPCC_STATEMENTS.length}, ${averageLength.toFixed(0)} characters on average`);
measure('statementFingerprint', (sql) => statementFingerprint(sql));
measure('redactStatement', (sql) => redactStatement(sql));
measure('statementCategory', (sql) => statementCategory('QUERY', sql));
