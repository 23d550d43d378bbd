import { join, resolve } from 'node:path';
import type { ConsoleConfig } from '@das/contracts';
import { ensureWritableDataDir, loadOrCreateToken } from '@das/server-kit';
import { freePort, portIsFree } from './free-port.js';
import { ServiceProcess } from './service-process.js';
import { forgetServices, recordServices, stopStaleServices } from './stale-processes.js';
import { repoRoot, workspaceBin } from './workspace.js';
import { ensureFleetDatabase, hidePassword } from './fleet-database.js';
import { StackStartError } from './stack-errors.js';

export { StackStartError };

export interface StackOptions {
  /** Where every service keeps its state (`.das-local` for `npm start`). */
  dataDir: string;
  /**
   * Activity comes from a private MariaDB's audit log, from the synthetic generator, or (`auto`, the
   * default) from MariaDB when mariadbd is installed and the generator otherwise.
   */
  source?: 'mariadb' | 'synthetic' | 'auto';
  /** `DAS_TOKEN` to use instead of the data directory's token file. */
  token?: string;
  /** Environment of the services beyond the stack's own (tests narrow where mariadbd is looked for). */
  env?: Record<string, string>;
  /** Fixed ports (the defaults 4566, 7400, 7401) or free ones chosen at start (tests). */
  ports?: 'default' | 'free' | { aws: number; api: number; worker: number };
  region?: string;
  /** Seconds the emulator waits between `starting` and `started` (as AWS does, but shorter). */
  activityStreamDelayMs?: number;
  /** Receives every service's output lines, prefixed with its name. */
  onLine?: (line: string) => void;
  /** Progress messages of the stack itself. */
  log?: (line: string) => void;
  readyTimeoutMs?: number;
  /** Shards of each activity stream the emulator starts (`das-local --stream-shards`; default 1, or 4 with a fleet). */
  streamShards?: number;
  /** Several workers sharing a PostgreSQL store instead of one worker with the embedded DuckDB. */
  fleet?: { workers: number; storeUrl: string };
  /**
   * The cluster the worker follows: `mysql` (default, auroralab-mysql-cluster) or `postgres`
   * (auroralab-pg-cluster; the emulator then also runs its private PostgreSQL with pgaudit).
   */
  engine?: StackEngine;
}

export type StackEngine = 'mysql' | 'postgres';

/** The lab's cluster of each engine, as the emulator seeds them. */
export const LAB_CLUSTERS: Readonly<Record<StackEngine, string>> = { mysql: 'auroralab-mysql-cluster', postgres: 'auroralab-pg-cluster' };

export interface Stack {
  /** The one URL a person opens: the console, served by the API, with the token in the fragment. */
  url: string;
  token: string;
  apiUrl: string;
  /** The worker the API asks (the first of a fleet). */
  workerUrl: string;
  /** Every worker, with its process id (a fleet has several). */
  workers: { url: string; pid: number | undefined; id: string }[];
  /** The shared store of a fleet (password hidden). */
  storeUrl?: string;
  /** The AWS endpoint of the emulator (`AWS_ENDPOINT_URL`). */
  endpoint: string;
  /** What feeds the activity stream (`mariadb`, `synthetic`), and why when it fell back. */
  source: { kind: string; note?: string };
  region: string;
  /** Process ids of the services (the emulator's MariaDB is its own child). */
  pids(): number[];
  /** Settles when the first service exits, for whatever reason. */
  firstExit: Promise<{ name: string; code: number | null }>;
  stop(): Promise<void>;
}

const DEFAULT_PORTS = { aws: 4566, api: 7400, worker: 7401 };


async function choosePorts(ports: StackOptions['ports']) {
  if (ports === 'free') return { aws: await freePort(), api: await freePort(), worker: await freePort() };
  if (!ports || ports === 'default') return DEFAULT_PORTS;
  return ports;
}

/** The ports of a fleet's workers: the worker's port and the ones after it (free ones with `free`). */
async function fleetPorts(first: number, count: number, free: boolean): Promise<number[]> {
  const ports = [first];
  for (let i = 1; i < count; i += 1) ports.push(free ? await freePort() : first + i);
  return ports;
}

/** Fixed ports must be free before anything starts, so that a clash is one clear line, not a dead child. */
async function checkPortsFree(host: string, ports: Readonly<Record<string, number>>): Promise<void> {
  for (const [service, port] of Object.entries(ports)) {
    if (!(await portIsFree(host, port))) {
      throw new StackStartError(
        `port ${port} (${service === 'aws' ? 'the AWS emulator' : `the ${service}`}) on ${host} is in use: another \`npm start\` or another program holds it; stop it and try again`,
      );
    }
  }
}

/** What feeds the streams, as the API tells the console (it asks the emulator's `/health`). */
async function streamSource(apiUrl: string): Promise<Stack['source']> {
  const config = (await (await fetch(`${apiUrl}/console-config`)).json()) as ConsoleConfig;
  return config.streamSource ?? { kind: 'unknown' };
}

/**
 * Starts the emulator (with its private MariaDB), the API (serving the console) and the worker,
 * and waits until each answers. On any failure everything started so far is stopped again.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const log = options.log ?? (() => {});
  const dataDir = resolve(options.dataDir);
  const region = options.region ?? 'us-east-1';
  const host = '127.0.0.1';
  await ensureWritableDataDir(dataDir, '--data-dir').catch((error: Error) => {
    throw new StackStartError(error.message);
  });
  await stopStaleServices(dataDir, log);

  const ports = await choosePorts(options.ports);
  const workerCount = options.fleet?.workers ?? 1;
  const workerPorts = await fleetPorts(ports.worker, workerCount, options.ports === 'free');
  if (options.ports !== 'free') {
    await checkPortsFree(host, ports);
    for (const [i, port] of workerPorts.slice(1).entries()) await checkPortsFree(host, { [`worker ${i + 2}`]: port });
  }
  const endpoint = `http://${host}:${ports.aws}`;
  const apiUrl = `http://${host}:${ports.api}`;
  const workerUrl = `http://${host}:${ports.worker}`;
  const streamShards = options.streamShards ?? (options.fleet === undefined ? undefined : 4);
  if (options.fleet !== undefined) await ensureFleetDatabase(options.fleet.storeUrl);
  const { token } = await loadOrCreateToken({ dataDir, ...(options.token === undefined ? {} : { token: options.token }) });
  const root = repoRoot();
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;

  // Local credentials: the emulator accepts any, and they keep the SDK from looking further.
  const awsEnv = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...options.env,
  };
  const services: ServiceProcess[] = [];
  let source: Stack['source'] = { kind: 'unknown' };
  const stop = async () => {
    // The workers first, so they store and checkpoint what is in flight while AWS still answers.
    await Promise.all(services.filter((s) => s.spec.name.startsWith('worker')).map((s) => s.stop()));
    for (const name of ['api', 'local-aws']) await services.find((s) => s.spec.name === name)?.stop();
    await forgetServices(dataDir);
  };

  try {
    const localAws = new ServiceProcess({
      name: 'local-aws',
      script: workspaceBin('apps/local-aws', 'das-local'),
      args: ['--host', host, '--port', String(ports.aws), '--data-dir', join(dataDir, 'aws'), '--region', region,
        '--source', options.source ?? 'auto',
        ...(options.activityStreamDelayMs !== undefined ? ['--stream-delay-ms', String(options.activityStreamDelayMs)] : []),
        ...(streamShards !== undefined ? ['--stream-shards', String(streamShards)] : []),
        ...(options.engine === 'postgres' ? ['--postgres'] : [])],
      env: { ...options.env },
      cwd: root,
      readyUrl: `${endpoint}/health`,
      onLine: options.onLine,
    });
    services.push(localAws);
    log(`starting the AWS emulator on ${endpoint}`);
    await localAws.waitReady(readyTimeoutMs);

    const appEnv = { ...awsEnv, DAS_TOKEN: token, DAS_DATA_DIR: dataDir, ...(options.engine === 'postgres' ? { DAS_CLUSTER_ID: LAB_CLUSTERS.postgres } : {}) };
    const api = new ServiceProcess({
      name: 'api',
      script: workspaceBin('apps/api', 'das-api'),
      env: { ...appEnv, DAS_API_HOST: host, DAS_API_PORT: String(ports.api), DAS_WORKER_URL: workerUrl,
        DAS_CONSOLE_DIR: join(root, 'apps/console/dist') },
      cwd: root,
      readyUrl: `${apiUrl}/healthz`,
      onLine: options.onLine,
    });
    const workers = workerPorts.map(
      (port, i) =>
        new ServiceProcess({
          name: workerCount === 1 ? 'worker' : `worker-${i + 1}`,
          script: workspaceBin('apps/worker', 'das-worker'),
          env: {
            ...appEnv,
            DAS_WORKER_HOST: host,
            DAS_WORKER_PORT: String(port),
            DAS_CONSOLE_ORIGIN: apiUrl,
            ...(options.fleet === undefined ? {} : { DAS_STORE_URL: options.fleet.storeUrl, DAS_WORKER_ID: `local-${i + 1}` }),
          },
          cwd: root,
          readyUrl: `http://${host}:${port}/healthz`,
          onLine: options.onLine,
        }),
    );
    services.push(api, ...workers);
    await recordServices(dataDir, services.map((s) => ({ pid: s.pid ?? 0, script: s.spec.script })));
    log(`starting the API on ${apiUrl} and ${workerCount === 1 ? `the worker on ${workerUrl}` : `${workerCount} workers on ports ${workerPorts.join(', ')}`}`);
    await Promise.all([api.waitReady(readyTimeoutMs), ...workers.map((w) => w.waitReady(readyTimeoutMs))]);
    source = await streamSource(apiUrl);
    if (source.note !== undefined) log(source.note);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url: `${apiUrl}/#token=${encodeURIComponent(token)}`,
    token,
    apiUrl,
    workerUrl,
    workers: workerPorts.map((port, i) => {
      const service = services.find((s) => s.spec.name === (workerCount === 1 ? 'worker' : `worker-${i + 1}`));
      return { url: `http://${host}:${port}`, pid: service?.pid, id: options.fleet === undefined ? 'worker' : `local-${i + 1}` };
    }),
    ...(options.fleet === undefined ? {} : { storeUrl: hidePassword(options.fleet.storeUrl) }),
    endpoint,
    region,
    source,
    pids: () => services.map((s) => s.pid).filter((pid): pid is number => pid !== undefined),
    firstExit: Promise.race(services.map((s) => s.exited.then((code) => ({ name: s.spec.name, code })))),
    stop,
  };
}
