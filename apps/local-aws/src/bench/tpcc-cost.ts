// What the activity stream costs TPC-C: tpmC with the stream stopped and started (async), in
// interleaved phases on one prepared database, and the capture's CPU per event measured two ways.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { defaultTpccBin } from '../ssm/index.js';

const run = promisify(execFile);

/** The database the phases run against (DescribeDBClusters' endpoint and master user, no password). */
export interface TpccTarget {
  host: string;
  port: number;
  /** Default mysql (user root); postgres uses the user postgres. */
  engine?: 'mysql' | 'postgres';
}

/** The capture's counters of one stream run, as `/_local/stats` shows them under `sources`. */
export interface CaptureRunStats {
  eventsAccepted: number;
  eventsDropped: number;
  cpuMicros: number;
}

export interface TpccCostOptions {
  target: TpccTarget;
  threads: number;
  phaseSeconds: number;
  /** Phases of each kind, in ABBA order (off, on, on, off, …): drift falls on both sides alike. */
  rounds: number;
  startStream(): Promise<void>;
  /** Stops the stream (flushing it) and returns its run's counters. */
  stopStream(): Promise<CaptureRunStats>;
}

export interface TpccCostResult {
  tpmCStopped: number[];
  tpmCStarted: number[];
  events: number;
  dropped: number;
  /** The capture's own spans (its meter), µs per event. */
  captureMicrosPerEvent: number;
  /** This process (emulator + capture + in-process Kinesis) with the stream on, less its rate with it off, µs per event. */
  processMicrosPerEvent: number;
  /**
   * The same difference in minor page faults per event: pages the kernel maps afresh. Each costs
   * ~0.1–0.5 µs on bare metal but ~10 µs on some VMs, where it explains much of a higher µs figure.
   */
  processFaultsPerEvent: number;
  eventsPerSecond: number;
}

/** What this process spent over a phase: CPU (µs), minor page faults, wall time (ms). */
interface Spent {
  cpu: number;
  faults: number;
  ms: number;
}

/** Starts metering this process (one getrusage call at each end); the result adds its figures to `total`. */
function meter(): (total: Spent) => void {
  const before = process.resourceUsage();
  const at = performance.now();
  return (total) => {
    const after = process.resourceUsage();
    total.cpu += after.userCPUTime + after.systemCPUTime - before.userCPUTime - before.systemCPUTime;
    total.faults += after.minorPageFault - before.minorPageFault;
    total.ms += performance.now() - at;
  };
}

function connectionArgs(target: TpccTarget): string[] {
  const engine = target.engine ?? 'mysql';
  return ['--engine', engine, '--host', target.host, '--port', String(target.port), '--user', engine === 'postgres' ? 'postgres' : 'root', '--database', 'bench_tpcc'];
}

/** The child's environment: an empty password, in the variable of its engine. */
function passwordEnv(target: TpccTarget): NodeJS.ProcessEnv {
  return { ...process.env, [target.engine === 'postgres' ? 'PGPASSWORD' : 'MYSQL_PWD']: '' };
}

/** Loads one warehouse (idempotent): every phase then runs on the same data. */
export async function prepareTpcc(target: TpccTarget): Promise<void> {
  await run(process.execPath, [defaultTpccBin(), 'prepare', '--warehouses', '1', ...connectionArgs(target)], { env: passwordEnv(target), maxBuffer: 16 * 1024 * 1024 });
}

/** One TPC-C run in its own process, as an application would be; its tpmC. */
export async function tpccPhase(target: TpccTarget, threads: number, seconds: number): Promise<number> {
  const { stdout } = await run(
    process.execPath,
    [defaultTpccBin(), 'run', '--threads', String(threads), '--duration', String(seconds), '--report-interval', String(seconds), '--json', ...connectionArgs(target)],
    { env: passwordEnv(target), maxBuffer: 16 * 1024 * 1024 },
  );
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const parsed = JSON.parse(line) as { type?: string; tpmC?: number };
    if (parsed.type === 'result' && typeof parsed.tpmC === 'number') return parsed.tpmC;
  }
  throw new Error(`das-tpcc run printed no result: ${stdout.slice(-300)}`);
}

export async function measureTpccCost(options: TpccCostOptions): Promise<TpccCostResult> {
  const { target, threads, phaseSeconds } = options;
  await tpccPhase(target, threads, 3); // warm the buffer pool and the JIT; not measured
  const result: TpccCostResult = { tpmCStopped: [], tpmCStarted: [], events: 0, dropped: 0, captureMicrosPerEvent: 0, processMicrosPerEvent: 0, processFaultsPerEvent: 0, eventsPerSecond: 0 };
  const off: Spent = { cpu: 0, faults: 0, ms: 0 };
  const on: Spent = { cpu: 0, faults: 0, ms: 0 };
  let captureCpu = 0;
  const stopped = async (): Promise<void> => {
    const spent = meter();
    result.tpmCStopped.push(await tpccPhase(target, threads, phaseSeconds));
    spent(off);
  };
  const started = async (): Promise<void> => {
    await options.startStream();
    const spent = meter();
    result.tpmCStarted.push(await tpccPhase(target, threads, phaseSeconds));
    const stats = await options.stopStream(); // the flush is the capture's work too
    spent(on);
    result.events += stats.eventsAccepted;
    result.dropped += stats.eventsDropped;
    captureCpu += stats.cpuMicros;
  };
  // off, on, on, off, …: a database that slows (or speeds up) as its tables grow weighs on both
  // sides alike, which plain alternation (always off before on) does not.
  for (let round = 0; round < options.rounds; round++) {
    if (round % 2 === 0) {
      await stopped();
      await started();
    } else {
      await started();
      await stopped();
    }
  }
  const events = Math.max(1, result.events);
  result.captureMicrosPerEvent = captureCpu / events;
  // The started phases' figures less what the same process spends at the stopped phases' rate.
  result.processMicrosPerEvent = (on.cpu - (off.cpu / off.ms) * on.ms) / events;
  result.processFaultsPerEvent = (on.faults - (off.faults / off.ms) * on.ms) / events;
  result.eventsPerSecond = result.events / (on.ms / 1000);
  return result;
}
