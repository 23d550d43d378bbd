import { parseArgs } from 'node:util';
import { aesGcmBackend } from '@das/aes-gcm';
import { gzipBackend } from '@das/deflate';
import { p384Backend } from '@das/p384';
import { assertHostName } from './http/host-allowlist.js';
import { startLocalAws, type LocalAwsOptions, type SourceChoice } from './local-aws.js';

const USAGE = `Usage: das-local [options]

  --host <host>          listen address (default 127.0.0.1)
  --allow-host <name>    also answer requests whose Host is <name> (repeatable; loopback names
                         and --host are always answered, any other Host gets a 403)
  --port <port>          listen port; 0 picks a free one (default 4566)
  --data-dir <dir>       state directory (default .das-local in the current directory)
  --region <region>      AWS region (default AWS_REGION or us-east-1)
  --account-id <id>      12-digit account id (default 000000000000)
  --source <kind>        activity producer: mariadb | synthetic | auto | none (default mariadb: a private
                         mariadbd; auto: mariadb when mariadbd is installed, else synthetic)
  --synthetic            same as --source synthetic
  --synthetic-rate <n>   synthetic events per second (default 20)
  --master-password <p>  source mariadb: root's password of the private MariaDB
  --mysql-url <url>      source mariadb: watch your own MariaDB (mysql://user:pass@host:port)
  --audit-log <path>     with --mysql-url: the server_audit file it writes (never reconfigured)
  --postgres             also serve the Aurora PostgreSQL cluster auroralab-pg-cluster: a private
                         PostgreSQL with pgaudit (apt-get install postgresql postgresql-<major>-pgaudit)
  --stream-delay-ms <n>  activity stream starting/stopping time (default 2000)
  --stream-shards <n>    shards of each activity stream it starts (default 1; more gives a worker
                         fleet shards to split: records then go round-robin over them)
  --capture-priority <n|inline>
                         source mariadb: nice value (0-19) of the audit capture's own thread in async
                         mode (default 19: the database first, the stream catches up); inline runs it
                         in the emulator's thread
  --call-log             also append every AWS call (action, caller's access key id) to <data-dir>/calls.jsonl
                         (GET /_local/calls always has them)
  -h, --help             this text

Clients: endpoint http://HOST:PORT (or AWS_ENDPOINT_URL), any credentials; requests must be
SigV4-signed (every AWS SDK, the CLI and boto3 sign); /_local/* too (fetchLocal in @das/local-aws).
Environment: DAS_MARIADB_DIRS=dir:dir…  look for mariadbd only there (instead of PATH and the usual places).`;

/** Parses the command line and environment into options; throws with a usage hint on bad input. */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): LocalAwsOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      host: { type: 'string' },
      'allow-host': { type: 'string', multiple: true },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      region: { type: 'string' },
      'account-id': { type: 'string' },
      source: { type: 'string' },
      synthetic: { type: 'boolean' },
      'synthetic-rate': { type: 'string' },
      'master-password': { type: 'string' },
      'mysql-url': { type: 'string' },
      'audit-log': { type: 'string' },
      'stream-delay-ms': { type: 'string' },
      'stream-shards': { type: 'string' },
      'call-log': { type: 'boolean' },
      'capture-priority': { type: 'string' },
      postgres: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const integer = (name: string, text: string | undefined, min: number, max: number): number | undefined => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, got '${text}'`);
    return value;
  };
  for (const name of values['allow-host'] ?? []) {
    try {
      assertHostName(name);
    } catch (error) {
      throw new Error(`--allow-host: ${(error as Error).message}`);
    }
  }
  const source = values.synthetic ? 'synthetic' : (values.source ?? 'mariadb');
  if (!['none', 'synthetic', 'mariadb', 'auto'].includes(source)) throw new Error(`--source must be mariadb, synthetic, auto or none, got '${source}'`);
  const mariadbDirs = env['DAS_MARIADB_DIRS'];
  const rate = values['synthetic-rate'] === undefined ? undefined : Number(values['synthetic-rate']);
  if (rate !== undefined && !(rate > 0)) throw new Error('--synthetic-rate must be a positive number');
  return {
    host: values.host ?? '127.0.0.1',
    port: integer('port', values.port, 0, 65_535) ?? 4566,
    allowedHosts: values['allow-host'] ?? [],
    dataDir: values['data-dir'] ?? '.das-local',
    region: values.region ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? 'us-east-1',
    accountId: values['account-id'],
    source: source as SourceChoice,
    ...(mariadbDirs === undefined ? {} : { mariadbSearch: { path: mariadbDirs, extraDirs: [] } }),
    syntheticRate: rate,
    activityStreamDelayMs: integer('stream-delay-ms', values['stream-delay-ms'], 0, 600_000),
    activityStreamShardCount: integer('stream-shards', values['stream-shards'], 1, 64),
    mysqlUrl: values['mysql-url'],
    auditLog: values['audit-log'],
    masterPassword: values['master-password'],
    ...(values['call-log'] === true ? { callLogFile: true } : {}),
    ...(values['capture-priority'] === undefined
      ? {}
      : { capturePriority: values['capture-priority'] === 'inline' ? 'inline' : (integer('capture-priority', values['capture-priority'], 0, 19) as number) }),
    ...(values.postgres === true ? { postgres: true } : {}),
  };
}

/** Which code signs, gzips and encrypts the records, so a slower fallback is never a surprise. */
function logSealingBackends(log: (line: string) => void): void {
  const signer = p384Backend();
  if (signer.backend === 'native') log("records are signed by @das/p384's native P-384 signer");
  else log(`records are signed by node:crypto, ~3× the CPU of @das/p384's native signer (${signer.reason ?? 'not loaded'})`);
  const gzip = gzipBackend();
  if (gzip.backend === 'isa-l') log("records are gzipped by ISA-L's igzip (@das/deflate)");
  else log(`records are gzipped by node:zlib, ~2.7× the CPU of ISA-L's igzip (${gzip.reason ?? 'not loaded'})`);
  const frames = aesGcmBackend();
  if (frames.backend === 'native') log("records' frames are encrypted in one call by @das/aes-gcm");
  else log(`records' frames are encrypted by node:crypto, one cipher a frame (${frames.reason ?? 'not loaded'})`);
}

/** Runs das-local until SIGINT/SIGTERM. */
export async function main(argv: readonly string[]): Promise<void> {
  let options: LocalAwsOptions | 'help';
  try {
    options = parseCli(argv, process.env);
  } catch (error) {
    process.stderr.write(`das-local: ${(error as Error).message}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const log = (line: string): void => {
    process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  };
  // Its data directory holds the streams' records, the keys and the capture's state: this user's only.
  process.umask(0o077);
  const localAws = await startLocalAws({ ...options, log });
  process.stdout.write(`das-local listening on ${localAws.endpoint} (port ${localAws.port}, region ${localAws.region}, data ${localAws.dataDir})\n`);
  logSealingBackends(log);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    localAws.close().then(
      () => process.exit(0),
      (error: Error) => {
        log(`shutdown failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
