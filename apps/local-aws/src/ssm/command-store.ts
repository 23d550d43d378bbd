import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SerialWriter, readJsonFile, writeFileAtomic } from '@das/capture';
import { isTerminal, type CommandRecord } from './command-record.js';

/**
 * Command history: in memory, each command also in its own JSON file under `<dir>/commands/`
 * (atomic writes). Output of a running command is saved at most once a second.
 */
export class CommandStore {
  private readonly records = new Map<string, CommandRecord>();
  private readonly writers = new Map<string, SerialWriter>();
  private readonly pendingSaves = new Map<string, NodeJS.Timeout>();
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = join(dir, 'commands');
  }

  /**
   * Reads the history. A command that was running when the emulator stopped cannot be resumed:
   * it becomes Failed / Terminated instead of staying InProgress forever.
   */
  async load(now: number): Promise<{ terminated: number }> {
    let names: string[] = [];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    let terminated = 0;
    for (const name of names) {
      if (!/^[0-9a-f-]{36}\.json$/.test(name)) continue;
      const record = await readJsonFile<CommandRecord>(join(this.dir, name));
      if (!record) continue;
      this.records.set(record.commandId, record);
      if (!isTerminal(record)) {
        record.status = 'Failed';
        record.statusDetails = 'Terminated';
        record.endedAt = now;
        record.stderr += `${record.stderr && !record.stderr.endsWith('\n') ? '\n' : ''}local-aws: the emulator stopped while this command was running\n`;
        terminated++;
        await this.save(record);
      }
    }
    return { terminated };
  }

  get(commandId: string): CommandRecord | undefined {
    return this.records.get(commandId);
  }

  /** Newest first. */
  list(): CommandRecord[] {
    return [...this.records.values()].sort((a, b) => b.requestedAt - a.requestedAt || b.commandId.localeCompare(a.commandId));
  }

  /** Saves now (status changes). */
  save(record: CommandRecord): Promise<void> {
    this.records.set(record.commandId, record);
    const timer = this.pendingSaves.get(record.commandId);
    if (timer) {
      clearTimeout(timer);
      this.pendingSaves.delete(record.commandId);
    }
    let writer = this.writers.get(record.commandId);
    if (!writer) this.writers.set(record.commandId, (writer = new SerialWriter()));
    const snapshot = JSON.stringify(record);
    return writer.run(() => writeFileAtomic(join(this.dir, `${record.commandId}.json`), snapshot, 0o600));
  }

  /** Saves within a second (output growing). */
  saveSoon(record: CommandRecord, onError: (error: unknown) => void): void {
    if (this.pendingSaves.has(record.commandId)) return;
    this.pendingSaves.set(
      record.commandId,
      setTimeout(() => {
        this.pendingSaves.delete(record.commandId);
        this.save(record).catch(onError);
      }, 1000),
    );
  }

  /** Writes whatever is pending. */
  async flush(): Promise<void> {
    const pending = [...this.pendingSaves.keys()];
    await Promise.all(pending.map((id) => this.save(this.records.get(id)!)));
  }
}
