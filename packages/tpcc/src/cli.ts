/**
 * The `das-tpcc` command line: argument parsing, output formats and signal handling over the
 * library. Failures end as one line on stderr and a non-zero exit code, never a stack trace.
 */
import { parseArgs } from 'node:util';
import { check, cleanup } from './check.js';
import type { TpccConnectionOptions } from './connection.js';
import { TpccAbortError, TpccError } from './errors.js';
import { formatCheck, formatLoadProgress, formatPrepareResult, formatRunProgress, formatRunReport } from './format.js';
import { prepare, type LoadProgress } from './prepare.js';
import type { TpccJsonLine } from './json-lines.js';
import { run } from './run.js';
import { ENGINES, type Engine } from './sql-driver.js';

export const USAGE = `usage: das-tpcc <prepare|run|check|cleanup> [options]
  connection: --engine mysql|postgres (default mysql, or the URL's)  --host|--clusterEndpoint H  --port P
              --user|--dbUser U  --password|--dbPassword P  --database D (default tpcc)
              --url mysql://user:pass@host:port/db or postgres://…   (password also from MYSQL_PWD / PGPASSWORD)
  prepare:    --warehouses W (default 1)  --concurrency N (default 3)
  run:        --threads T (default 4)  --duration S (default 60)  --report-interval S (default 5)
  output:     --json (one JSON object per line)`;

/** Exit codes: 0 ok, 1 failure or check violation, 2 usage, 130/143 cancelled by SIGINT/SIGTERM. */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  isTty: boolean;
  /** Aborted when the user interrupts; `reason` is the signal name. */
  signal: AbortSignal;
}

function intOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new TpccError('TPCC_USAGE', `--${name} must be a positive number, got '${value}'`);
  return n;
}

/** Runs one CLI invocation and returns its exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        host: { type: 'string' },
        clusterEndpoint: { type: 'string' },
        port: { type: 'string' },
        user: { type: 'string' },
        dbUser: { type: 'string' },
        password: { type: 'string' },
        dbPassword: { type: 'string' },
        database: { type: 'string' },
        url: { type: 'string' },
        engine: { type: 'string' },
        warehouses: { type: 'string' },
        concurrency: { type: 'string' },
        threads: { type: 'string' },
        duration: { type: 'string' },
        'report-interval': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    io.err(`das-tpcc: ${(err as Error).message.split('\n')[0]!}`);
    io.err(USAGE);
    return 2;
  }
  const { values: v, positionals } = parsed;
  const command = positionals[0];
  if (v.help || !command) {
    (v.help ? io.out : io.err)(USAGE);
    return v.help ? 0 : 2;
  }
  const json = v.json;
  // --json prints the typed lines of json-lines.ts; the text is for people only.
  const print = (obj: TpccJsonLine, text: string | string[]) => {
    if (json) io.out(JSON.stringify(obj));
    else for (const line of Array.isArray(text) ? text : [text]) io.out(line);
  };
  try {
    if (v.engine !== undefined && !ENGINES.includes(v.engine as Engine)) throw new TpccError('TPCC_USAGE', `--engine must be mysql or postgres, got '${v.engine}'`);
    const engine = (v.engine as Engine | undefined) ?? (/^postgres(ql)?:/.test(v.url ?? '') ? 'postgres' : 'mysql');
    const conn: TpccConnectionOptions = {
      ...(v.engine === undefined ? {} : { engine: v.engine as Engine }),
      url: v.url,
      host: v.host ?? v.clusterEndpoint,
      port: v.port === undefined ? undefined : intOption(v.port, 'port', 3306),
      user: v.user ?? v.dbUser,
      // MYSQL_PWD / PGPASSWORD (kept out of the process list) apply only when no password is given otherwise.
      password: v.password ?? v.dbPassword ?? (urlHasPassword(v.url) ? undefined : engine === 'postgres' ? io.env.PGPASSWORD : io.env.MYSQL_PWD),
      database: v.database,
    };
    switch (command) {
      case 'prepare': {
        const warehouses = intOption(v.warehouses, 'warehouses', 1);
        let lastPrinted = 0;
        const onProgress = (p: LoadProgress) => {
          const now = performance.now();
          if (io.isTty && !json) {
            const filled = Math.round(p.pct / 4);
            process.stdout.write(`\r[${'#'.repeat(filled)}${'.'.repeat(25 - filled)}] ${formatLoadProgress(p)} `);
          } else if (now - lastPrinted >= 2000 || p.unitsDone === p.unitsTotal) {
            lastPrinted = now;
            print(p, formatLoadProgress(p));
          }
        };
        const result = await prepare(conn, {
          warehouses,
          concurrency: v.concurrency === undefined ? undefined : intOption(v.concurrency, 'concurrency', 3),
          signal: io.signal,
          onProgress,
        });
        if (io.isTty && !json) process.stdout.write('\n');
        print({ type: 'loaded', ...result }, formatPrepareResult(result));
        return 0;
      }
      case 'run': {
        const report = await run(conn, {
          threads: intOption(v.threads, 'threads', 4),
          durationSec: intOption(v.duration, 'duration', 60),
          reportIntervalSec: intOption(v['report-interval'], 'report-interval', 5),
          signal: io.signal,
          onReport: (p) => print(p, formatRunProgress(p)),
        });
        print(report, formatRunReport(report));
        if (report.cancelled) return io.signal.reason === 'SIGTERM' ? 143 : 130;
        return 0;
      }
      case 'check': {
        const report = await check(conn);
        print(report, formatCheck(report));
        return report.ok ? 0 : 1;
      }
      case 'cleanup': {
        await cleanup(conn);
        print({ type: 'cleanup', ok: true }, 'cleanup ok=true');
        return 0;
      }
      default:
        io.err(`das-tpcc: unknown command '${command}'`);
        io.err(USAGE);
        return 2;
    }
  } catch (err) {
    if (err instanceof TpccAbortError) {
      io.err(`das-tpcc: ${command} cancelled; run it again to resume (TPCC_ABORTED)`);
      return io.signal.reason === 'SIGTERM' ? 143 : 130;
    }
    const e = err instanceof TpccError ? err : new TpccError('TPCC_ERROR', String((err as Error)?.message ?? err).split('\n')[0]!);
    if (json) io.out(JSON.stringify({ type: 'error', code: e.code, message: e.message } satisfies TpccJsonLine));
    io.err(`das-tpcc: ${e.message} (${e.code})`);
    return e.code === 'TPCC_USAGE' ? 2 : 1;
  }
}

function urlHasPassword(url: string | undefined): boolean {
  if (!url) return false;
  try {
    return new URL(url).password !== '';
  } catch {
    return false;
  }
}
