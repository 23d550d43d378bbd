import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendCapped, STDERR_LIMIT, STDOUT_LIMIT, type CommandRecord } from './command-record.js';
import type { CommandStore } from './command-store.js';
import type { LoadPlan } from './load-document.js';

const KILL_GRACE_MS = 10_000;

export type StopReason = 'Cancelled' | 'TimedOut';

export interface RunnerDeps {
  store: CommandStore;
  /** Path of the built `das-tpcc` bin (`dist/bin/das-tpcc.js`), run with this Node. */
  tpccBin: string;
  log: (line: string) => void;
}

/**
 * Runs one command's steps as child processes, one after another, feeding their output into the
 * record as it comes. A stop (CancelCommand, TimeoutSeconds, emulator shutdown) sends SIGTERM,
 * which the CLI answers by letting in-flight transactions finish; SIGKILL follows after a grace.
 */
export class CommandExecution {
  private child: ChildProcess | undefined;
  private stopReason: StopReason | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  readonly done: Promise<void>;

  constructor(
    readonly record: CommandRecord,
    private readonly plan: LoadPlan,
    private readonly deps: RunnerDeps,
  ) {
    this.done = this.execute();
  }

  /** Asks the running step to stop; resolves when the command has ended. */
  stop(reason: StopReason): Promise<void> {
    if (!this.stopReason) {
      this.stopReason = reason;
      if (this.record.status === 'InProgress' || this.record.status === 'Pending') {
        this.record.status = reason === 'Cancelled' ? 'Cancelling' : this.record.status;
      }
      this.signalChild();
    }
    return this.done;
  }

  private signalChild(): void {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    this.killTimer ??= setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
  }

  private async execute(): Promise<void> {
    const { record, deps } = this;
    record.status = 'InProgress';
    record.statusDetails = 'InProgress';
    record.startedAt = Date.now();
    await deps.store.save(record);
    const timeout = setTimeout(() => void this.stop('TimedOut'), record.timeoutSeconds * 1000);
    let code: number | null = 0;
    try {
      if (!existsSync(deps.tpccBin)) {
        this.append('stderr', `das-tpcc is not built (missing ${deps.tpccBin}); run: npx turbo run build --filter=@das/tpcc\n`);
        code = 127;
      } else {
        for (const step of this.plan.steps) {
          if (this.stopReason) break;
          this.append('stdout', `+ das-tpcc ${step.args.join(' ')}\n`);
          code = await this.runStep(step.args);
          if (code !== 0) break;
        }
      }
    } catch (error) {
      this.append('stderr', `local-aws: could not run das-tpcc: ${(error as Error).message}\n`);
      code = 1;
    } finally {
      clearTimeout(timeout);
      clearTimeout(this.killTimer);
    }
    record.responseCode = code ?? -1;
    record.endedAt = Date.now();
    if (this.stopReason === 'TimedOut') {
      record.status = 'TimedOut';
      record.statusDetails = 'Execution Timed Out';
    } else if (this.stopReason === 'Cancelled') {
      record.status = 'Cancelled';
      record.statusDetails = 'Cancelled';
    } else if (code === 0) {
      record.status = 'Success';
      record.statusDetails = 'Success';
    } else {
      record.status = 'Failed';
      record.statusDetails = 'Failed';
    }
    deps.log(`ssm: command ${record.commandId} ${record.status} (exit ${record.responseCode})`);
    await deps.store.save(record);
  }

  private runStep(args: string[]): Promise<number | null> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [this.deps.tpccBin, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        // The password travels in the environment only: never in argv (visible in ps) or output.
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LANG: process.env.LANG ?? 'C.UTF-8', [this.plan.engine === 'postgres' ? 'PGPASSWORD' : 'MYSQL_PWD']: this.plan.password },
      });
      this.child = child;
      const pending = { stdout: '', stderr: '' };
      const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
        const text = pending[stream] + chunk.toString('utf8');
        const cut = text.lastIndexOf('\n') + 1;
        pending[stream] = text.slice(cut);
        if (cut > 0) this.append(stream, text.slice(0, cut));
      };
      child.stdout.on('data', onData('stdout'));
      child.stderr.on('data', onData('stderr'));
      child.on('error', reject);
      child.on('close', (code) => {
        for (const stream of ['stdout', 'stderr'] as const) if (pending[stream]) this.append(stream, `${pending[stream]}\n`);
        this.child = undefined;
        resolve(code);
      });
      if (this.stopReason) this.signalChild();
    });
  }

  private append(stream: 'stdout' | 'stderr', text: string): void {
    const password = this.plan.password;
    // Whole lines only arrive here, so a password is never split across two appends.
    const safe = password.length >= 3 ? text.split(password).join('****') : text;
    if (stream === 'stdout') this.record.stdout = appendCapped(this.record.stdout, safe, STDOUT_LIMIT);
    else this.record.stderr = appendCapped(this.record.stderr, safe, STDERR_LIMIT);
    this.deps.store.saveSoon(this.record, (error) => this.deps.log(`ssm: saving command ${this.record.commandId} failed: ${String(error)}`));
  }
}
