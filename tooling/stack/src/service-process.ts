import { spawn, type ChildProcess } from 'node:child_process';

export interface ServiceSpec {
  /** Short name used as the log prefix, e.g. `local-aws`. */
  name: string;
  /** The built JS entry to run with this Node. */
  script: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** An HTTP URL that answers 2xx once the service is ready. */
  readyUrl: string;
  /** Called with each output line (prefixed); default: kept in memory only. */
  onLine?: (line: string) => void;
}

/** A running child service with its recent output kept for error messages. */
export class ServiceProcess {
  readonly recent: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(readonly spec: ServiceSpec) {
    this.child = spawn(process.execPath, [spec.script, ...(spec.args ?? [])], {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let pending = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) this.record(line);
      });
      stream?.on('end', () => pending && this.record(pending));
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private record(line: string): void {
    this.recent.push(line);
    if (this.recent.length > 200) this.recent.shift();
    this.spec.onLine?.(`[${this.spec.name}] ${line}`);
  }

  /** Resolves when `readyUrl` answers 2xx; rejects with the service's last output if it exits or times out. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastProblem = 'no answer yet';
    while (Date.now() < deadline) {
      if (!this.running) throw this.failure(`exited with code ${String(await this.exited)} before it was ready`);
      try {
        const response = await fetch(this.spec.readyUrl, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) return;
        lastProblem = `${this.spec.readyUrl} answered ${response.status}`;
      } catch (error) {
        lastProblem = (error as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    throw this.failure(`was not ready within ${Math.round(timeoutMs / 1000)} s (${lastProblem})`);
  }

  private failure(what: string): Error {
    const tail = this.recent.slice(-25).join('\n');
    return new Error(`${this.spec.name} ${what}${tail ? `; its last output:\n${tail}` : ''}`);
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
