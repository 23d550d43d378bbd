import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { CaptureLog } from '@das/capture';

const run = promisify(execFile);

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a process, or null when it cannot be read. */
async function commandLine(pid: number): Promise<string | null> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
  } catch {
    try {
      const { stdout } = await run('ps', ['-o', 'command=', '-p', String(pid)]);
      return stdout.trim() || null;
    } catch {
      return null;
    }
  }
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/**
 * A pid file left by an emulator that did not stop cleanly (crash, SIGKILL). If that process
 * still runs and is a mariadbd on our data directory, it is shut down (SIGTERM, then SIGKILL
 * after `timeoutMs`) so this start owns the data directory; a dead or foreign pid is ignored.
 */
export async function clearStaleServer(pidFile: string, dataDir: string, log: CaptureLog, timeoutMs = 30_000): Promise<void> {
  let text: string;
  try {
    text = await readFile(pidFile, 'utf8');
  } catch {
    return;
  }
  const pid = Number(text.trim());
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    const command = await commandLine(pid);
    if (command !== null && /mariadbd|mysqld/.test(command) && command.includes(`--datadir=${dataDir}`)) {
      log.warn({ code: 'MARIADB_STALE_SERVER', pid }, 'a private mariadbd from an earlier run still runs; stopping it');
      process.kill(pid, 'SIGTERM');
      if (!(await waitForExit(pid, timeoutMs))) {
        process.kill(pid, 'SIGKILL');
        await waitForExit(pid, 5000);
      }
    } else {
      log.info({ code: 'MARIADB_STALE_PID', pid }, 'ignoring a pid file whose process is not our mariadbd');
    }
  }
  await rm(pidFile, { force: true });
}
