#!/usr/bin/env node
// `npm start` and `npm run lab`: the whole local stack in one command, and the lab scripted.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, createEnvReader } from '@das/server-kit';
import { runLab } from './lab.js';
import { LAB_CLUSTERS, StackStartError, startStack, type Stack, type StackEngine } from './stack.js';
import { DEFAULT_FLEET_STORE_URL } from './fleet-database.js';

/** The worker line, or one line per worker of a fleet with its pid (kill one to watch failover). */
function workerLines(stack: Stack): string {
  if (stack.workers.length === 1) return `  Worker:        ${stack.workerUrl}`;
  return [
    `  Store:         ${stack.storeUrl ?? ''} (PostgreSQL, shared by the fleet)`,
    ...stack.workers.map((w, i) => `  ${i === 0 ? 'Workers:' : '        '}       ${w.id} ${w.url} (pid ${w.pid ?? '?'})`),
    `                 kill -9 one of them to watch its shards move to the others (console: Fleet)`,
  ].join('\n');
}

const USAGE = `usage:
  das-stack start [--data-dir .das-local] [--synthetic|--mariadb] [--free-ports] [--verbose]   (npm start -- [options])
      starts the emulator with its private MariaDB (without mariadbd installed: generated events,
      said once; --synthetic: always generated; --mariadb: MariaDB or fail), the API serving the
      console, and the worker on ports 4566, 7400, 7401 (--free-ports: any free ones, e.g. for a
      second stack); prints the console URL with its token. DAS_TOKEN, when set, is the token.
      --fleet N          N workers sharing a PostgreSQL store (ports 7401…) instead of one worker
                         with the embedded DuckDB; kill one to watch its shards move (console: Fleet)
      --store-url URL    the fleet's store (default ${DEFAULT_FLEET_STORE_URL}, created if missing)
      --stream-shards N  shards of each activity stream started (default 1, or 4 with --fleet)
      --engine postgres  also serve the Aurora PostgreSQL cluster (a private PostgreSQL with pgaudit)
                         and have the worker follow it instead of the MySQL one
  das-stack lab [options]                                                (npm run lab -- [options])
      the DAS lab's five steps against the emulator (default http://127.0.0.1:4566, or
      AWS_ENDPOINT_URL) or, with --aws, against AWS through the default credential chain.
      --endpoint URL  --aws  --region R  --engine mysql|postgres (the lab cluster of that engine)
      --cluster ID (default auroralab-mysql-cluster, or auroralab-pg-cluster with --engine postgres)
      --document NAME (the SSM load document; default: your first own Command document)
      --instance ID (default: the first Online managed instance)  --db-user U  --db-password P
      --warehouses 1  --threads 4  --duration 30 (s)  --events 5  --keep-stream`;

function usage(code: number): number {
  (code === 0 ? console.log : console.error)(USAGE);
  return code;
}

async function start(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string', default: '.das-local' },
      synthetic: { type: 'boolean', default: false },
      mariadb: { type: 'boolean', default: false },
      'free-ports': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      fleet: { type: 'string' },
      'store-url': { type: 'string' },
      'stream-shards': { type: 'string' },
      engine: { type: 'string', default: 'mysql' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return usage(0);
  const engine = stackEngine(values.engine);
  const count = (name: string, text: string | undefined, max: number): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new StackStartError(`--${name} must be an integer from 1 to ${max}, got '${text}'`);
    return n;
  };
  const fleetWorkers = count('fleet', values.fleet, 16);
  const streamShards = count('stream-shards', values['stream-shards'], 64);
  if (values['store-url'] !== undefined && fleetWorkers === undefined) throw new StackStartError('--store-url goes with --fleet N (one worker keeps its events in the embedded DuckDB)');
  const storeUrl = values['store-url'] ?? process.env.DAS_STORE_URL ?? DEFAULT_FLEET_STORE_URL;
  if (!/^postgres(ql)?:\/\//.test(storeUrl)) throw new StackStartError('--store-url must be a postgres:// URL');
  if (values.synthetic && values.mariadb) throw new StackStartError('--synthetic and --mariadb exclude each other: choose one');
  const env = createEnvReader(process.env);
  const token = env.token('DAS_TOKEN');
  env.done();
  const begun = Date.now();
  const recent: string[] = [];
  const stack = await startStack({
    dataDir: values['data-dir'],
    source: values.synthetic ? 'synthetic' : values.mariadb ? 'mariadb' : 'auto',
    ports: values['free-ports'] ? 'free' : 'default',
    ...(fleetWorkers === undefined ? {} : { fleet: { workers: fleetWorkers, storeUrl } }),
    ...(streamShards === undefined ? {} : { streamShards }),
    ...(token === undefined ? {} : { token }),
    engine,
    log: (line) => console.log(`das: ${line}`),
    onLine: (line) => {
      if (values.verbose) console.log(line);
      recent.push(line);
      if (recent.length > 50) recent.shift();
    },
  });
  const source = stack.source.kind === 'mariadb' ? "the emulator's private MariaDB (its audit log)" : `${stack.source.kind} events`;
  console.log(`
DAS Toolkit is running (ready in ${((Date.now() - begun) / 1000).toFixed(1)} s).

  Console:       ${stack.url}
  Token:         ${stack.token}
  API:           ${stack.apiUrl}
${workerLines(stack)}
  AWS endpoint:  ${stack.endpoint} (region ${stack.region}; AWS_ENDPOINT_URL for your own clients)
  Stream source: ${source}${engine === 'postgres' ? `\n  Worker reads:  ${LAB_CLUSTERS.postgres} (Aurora PostgreSQL: the private PostgreSQL's pgaudit log)` : ''}
  Data:          ${resolve(values['data-dir'])}/ (delete it to start from scratch)

  Try the lab from a second terminal: npm run lab${engine === 'postgres' ? ' -- --engine postgres' : ''}
  Press Ctrl-C to stop everything.
`);
  return await new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`\ndas: ${signal}: stopping the worker, the API and the emulator…`);
      stack.stop().then(() => {
        console.log('das: stopped; data kept.');
        resolve(0);
      }, (error: Error) => {
        console.error(`das: stop failed: ${error.message}`);
        resolve(1);
      });
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    stack.firstExit.then(({ name, code }) => {
      if (stopping) return;
      console.error(`das: ${name} exited unexpectedly (code ${String(code)}); its last output:\n${recent.filter((l) => l.startsWith(`[${name}]`)).slice(-20).join('\n')}`);
      shutdown('failure');
      resolve(1);
    });
  });
}

async function lab(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      endpoint: { type: 'string' },
      aws: { type: 'boolean', default: false },
      region: { type: 'string' },
      cluster: { type: 'string' },
      engine: { type: 'string', default: 'mysql' },
      document: { type: 'string' },
      instance: { type: 'string' },
      'db-user': { type: 'string' },
      'db-password': { type: 'string' },
      warehouses: { type: 'string', default: '1' },
      threads: { type: 'string', default: '4' },
      duration: { type: 'string', default: '30' },
      events: { type: 'string', default: '5' },
      'keep-stream': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return usage(0);
  // The SDK's Node 20 end-of-support notice would land in the middle of step 1; the README says it once.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const endpoint = values.aws ? undefined : (values.endpoint ?? process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:4566');
  if (endpoint) {
    // The emulator takes any credentials; set local ones only when the user has none.
    process.env.AWS_ACCESS_KEY_ID ??= 'local';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  }
  await runLab({
    endpoint,
    region: values.region ?? process.env.AWS_REGION ?? 'us-east-1',
    clusterId: values.cluster ?? LAB_CLUSTERS[stackEngine(values.engine)],
    documentName: values.document,
    instanceId: values.instance,
    dbUser: values['db-user'],
    dbPassword: values['db-password'],
    warehouses: positive('warehouses', values.warehouses),
    threads: positive('threads', values.threads),
    durationSec: positive('duration', values.duration),
    showEvents: positive('events', values.events),
    keepStream: values['keep-stream'],
    print: (line) => console.log(line),
  });
  return 0;
}

function stackEngine(value: string): StackEngine {
  if (value !== 'mysql' && value !== 'postgres') throw new StackStartError(`--engine must be mysql or postgres, got '${value}'`);
  return value;
}

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

const [command, ...rest] = process.argv.slice(2);
const run = command === 'start' ? start : command === 'lab' ? lab : undefined;
if (!run) process.exit(usage(command === '--help' || command === '-h' ? 0 : 2));
run(rest).then(
  (code) => process.exit(code),
  (error: Error) => {
    // A bad option or variable is a usage problem (2); anything else failed while running (1).
    const usageProblem = error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true;
    console.error(`das: ${error.message}`);
    process.exit(usageProblem ? 2 : 1);
  },
);
