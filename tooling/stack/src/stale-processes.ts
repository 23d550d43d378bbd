import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const PID_FILE = 'stack-pids.json';

interface PidRecord {
  pid: number;
  script: string;
}

function commandLine(pid: number): Promise<string | undefined> {
  return readFile(`/proc/${pid}/cmdline`, 'utf8').then(
    (text) => text.replaceAll('\0', ' '),
    () => undefined,
  );
}

/**
 * A stack that was killed hard (kill -9, a closed terminal) leaves its services running and
 * holding the ports. Stop the ones we recorded, but only if the pid still runs our script.
 */
export async function stopStaleServices(dataDir: string, log: (line: string) => void): Promise<void> {
  let records: PidRecord[];
  try {
    records = JSON.parse(await readFile(join(dataDir, PID_FILE), 'utf8')) as PidRecord[];
  } catch {
    return;
  }
  for (const { pid, script } of records) {
    const cmdline = await commandLine(pid);
    if (!cmdline?.includes(script)) continue;
    log(`stopping a service left over from an earlier run (pid ${pid})`);
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && (await commandLine(pid)); i++) await new Promise((r) => setTimeout(r, 100));
    if (await commandLine(pid)) process.kill(pid, 'SIGKILL');
  }
  await rm(join(dataDir, PID_FILE), { force: true });
}

export async function recordServices(dataDir: string, records: PidRecord[]): Promise<void> {
  await writeFile(join(dataDir, PID_FILE), JSON.stringify(records));
}

export async function forgetServices(dataDir: string): Promise<void> {
  await rm(join(dataDir, PID_FILE), { force: true });
}
