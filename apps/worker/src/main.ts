import { ConfigError, ensureWritableDataDir, listenFailure, StartupError } from '@das/server-kit';
import { loadWorkerConfig } from './config.js';
import { WORKER_USAGE } from './usage.js';
import { createWorker } from './worker.js';

/** How long a stop may take before the process exits without finishing it. */
const STOP_DEADLINE_MS = 30_000;

/** Runs the worker from the environment until SIGTERM/SIGINT, then stores and checkpoints what is in flight. */
export async function main(env: Record<string, string | undefined> = process.env, argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${WORKER_USAGE}\n`);
    return;
  }
  // Files this process creates hold events, SQL text and tokens: readable by its user only.
  process.umask(0o077);
  let config;
  try {
    config = loadWorkerConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`das-worker: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  const worker = createWorker({ config });
  let started: Awaited<ReturnType<typeof worker.start>>;
  try {
    await ensureWritableDataDir(config.dataDir, 'DAS_DATA_DIR');
    started = await worker.start().catch(async (error: unknown) => {
      await worker.stop().catch(() => undefined);
      throw listenFailure(error, { host: config.host, port: config.port, variable: 'DAS_WORKER_PORT' });
    });
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    process.stderr.write(`das-worker: ${error.message}\n`);
    process.exitCode = 1;
    return;
  }
  const { url, tokenFile } = started;
  worker.app?.log.info({ url, dataDir: config.dataDir }, 'das-worker listening');
  if (tokenFile !== undefined) process.stderr.write(`das-worker: created an API token in ${tokenFile} (send it as Authorization: Bearer <token>)\n`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    worker.app?.log.info({ signal }, 'stopping: storing and checkpointing what is in flight');
    // A stop that hangs (a store connection that never answers) must not keep the process: say
    // what it waited for and exit; the checkpoints already written make a restart safe.
    let step = 'the start of the stop';
    setTimeout(() => {
      process.stderr.write(`das-worker: the stop did not finish in ${STOP_DEADLINE_MS / 1000} s (waiting for ${step}); exiting\n`);
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    worker.stop((current) => (step = current)).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`das-worker: stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
