import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * The process's execArgv as a thread that runs built JS takes it: without `--conditions` (a test
 * runner may resolve workspace packages to their TS sources that way, but the thread must load
 * built dependencies) and without `refused`, the flags Node does not take for a thread.
 */
export function threadExecArgv(execArgv: readonly string[] = process.execArgv, refused: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i += 1) {
    const arg = execArgv[i] as string;
    if (arg === '--conditions' || arg === '-C') {
      i += 1;
      continue;
    }
    if (arg.startsWith('--conditions=') || arg.startsWith('-C=') || refused.has(arg)) continue;
    out.push(arg);
  }
  return out;
}

/** The flags named by Node's ERR_WORKER_INVALID_EXEC_ARGV ("…invalid execArgv flags: --a, --b=1"). */
function refusedFlags(error: unknown): Set<string> | null {
  if (!(error instanceof Error) || (error as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') return null;
  const list = error.message.split('flags: ')[1];
  return list === undefined ? null : new Set(list.split(', '));
}

/**
 * A worker thread running `script` with the process's own flags where a thread takes them. V8 and
 * process-wide flags (`node --max-old-space-size=… das-local`, `--perf-basic-prof`) make Node
 * refuse to start a thread that is given them; they already apply to every thread of the process,
 * so the thread starts without them instead of failing.
 */
export function startBuiltThread(script: URL | string, options: Omit<WorkerOptions, 'execArgv'> = {}): Worker {
  try {
    return new Worker(script, { ...options, execArgv: threadExecArgv() });
  } catch (error) {
    const refused = refusedFlags(error);
    if (refused === null) throw error;
    return new Worker(script, { ...options, execArgv: threadExecArgv(process.execArgv, refused) });
  }
}
