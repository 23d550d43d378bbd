// The capture's CPU per event on a real TPC-C audit log, without the database beside it: a few
// seconds of 4-thread TPC-C are recorded from the private MariaDB, then that log is written again
// at the rate it was recorded and captured in the capture's own thread (three times unless told). The
// synthetic pipeline section's statements are short and alike; TPC-C's are longer and compress
// less, and this is what the stream costs a user.
//   replay                       record 6 s, replay it
//   replay --seconds 10          record 10 s
//   replay --save <file>         keep the recording
//   replay --audit-file <file>   replay a recording (no database needed) …
//          --pace <seconds>      … written over this long (default 6)
//   replay --runs 5              five replays (default 3)
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createThreadedAuditCapture } from '@das/capture';
import type { BenchContext, BenchSection } from './bench-kit.js';
import { capturePipeline } from './pipeline.bench.js';
import { startPrivateMariadb } from '../mariadb/private-mariadb.js';
import { prepareTpcc, tpccPhase } from './tpcc-cost.js';

const THREADS = 4;

function option(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at < 0 ? undefined : args[at + 1];
}

/** The audit lines `seconds` of TPC-C write on a fresh private MariaDB. */
async function recordTpcc(context: BenchContext, seconds: number): Promise<{ log: Buffer; seconds: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'das-replay-bench-'));
  try {
    const server = await startPrivateMariadb({ dir });
    try {
      const target = { host: server.host, port: server.port };
      await prepareTpcc(target);
      const path = server.auditLogPath;
      const before = await stat(path);
      const started = performance.now();
      const tpmC = await tpccPhase(target, THREADS, seconds);
      // The run's own process starts and connects: its whole time is when lines were written.
      const took = (performance.now() - started) / 1000;
      context.report('recorded: tpmC', tpmC, 'tpmC', `${THREADS} threads, ${seconds} s`);
      const after = await stat(path);
      if (after.ino === before.ino) return { log: (await readFile(path)).subarray(before.size), seconds: took };
      // The plugin rotates at 64 MB: one rotation during the run leaves the start in `.1`.
      if ((await stat(`${path}.1`)).ino !== before.ino) throw new Error(`the audit log rotated more than once in ${seconds} s: record fewer --seconds`);
      const log = Buffer.concat([(await readFile(`${path}.1`)).subarray(before.size), await readFile(path)]);
      return { log, seconds: took };
    } finally {
      await server.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Only whole lines: the plugin may have been mid-line when the run ended. */
function wholeLines(log: Buffer): Buffer {
  return log.subarray(0, log.lastIndexOf(0x0a) + 1);
}

export const replaySection: BenchSection = {
  name: 'replay (a recorded TPC-C audit log → sealed records, in the capture thread)',
  async run(context) {
    const given = option(context.args, '--audit-file');
    const seconds = Number(option(context.args, '--seconds') ?? 6);
    const recorded = given === undefined ? await recordTpcc(context, seconds) : { log: await readFile(given), seconds: Number(option(context.args, '--pace') ?? 6) };
    const log = wholeLines(recorded.log);
    const save = option(context.args, '--save');
    if (save !== undefined && given === undefined) await writeFile(save, log);
    const replays = Number(option(context.args, '--runs') ?? 3);
    for (let i = 1; i <= replays; i++) {
      await capturePipeline(context, `replay ${i}`, (options) => createThreadedAuditCapture(options, { nice: 0 }), log, recorded.seconds);
    }
  },
};
