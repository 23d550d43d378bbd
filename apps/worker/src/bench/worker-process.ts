// The built das-worker as a child process, so the bench measures its RSS and CPU alone (the
// emulator and the producer stay in the bench process). Linux: figures come from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkerStatus } from '@das/contracts';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'das-worker.js');
const CLOCK_TICKS = 100;

export interface WorkerProcess {
  child: ChildProcess;
  url: string;
  status(): Promise<WorkerStatus>;
  /** Resident set size now and at its peak (MB). */
  memory(): { rssMb: number; peakMb: number };
  /** CPU seconds used so far by the whole process, its main thread, and each named thread group. */
  cpu(): { total: number; main: number; byThread: Map<string, number> };
  stop(): Promise<void>;
}

function statusField(pid: number, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? Number.NaN : Number(match[1]) / 1024;
}

/** utime + stime of a /proc stat line, in seconds. */
function cpuSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Starts the worker with `env` (plus PATH); `execArgv` e.g. `--cpu-prof`. Resolves once it listens. */
export async function startWorkerProcess(env: Record<string, string>, execArgv: string[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [...execArgv, BIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`das-worker did not start:\n${output}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-20_000)));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`das-worker exited with ${code}:\n${output}`));
    });
  });
  const pid = child.pid as number;
  const token = env.DAS_TOKEN ?? '';
  return {
    child,
    url,
    async status() {
      const res = await fetch(`${url}/status`, { headers: { authorization: `Bearer ${token}` } });
      return (await res.json()) as WorkerStatus;
    },
    memory: () => ({ rssMb: statusField(pid, 'VmRSS'), peakMb: statusField(pid, 'VmHWM') }),
    cpu() {
      const byThread = new Map<string, number>();
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        try {
          const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
          const seconds = cpuSeconds(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
          byThread.set(name, (byThread.get(name) ?? 0) + seconds);
        } catch {
          // The thread ended between the listing and the read.
        }
      }
      return {
        total: cpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8')),
        main: cpuSeconds(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')),
        byThread,
      };
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
