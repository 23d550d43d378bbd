import { parseArgs } from 'node:util';
import { createAwsClients, type AwsSettings } from '../aws/aws-clients.js';
import { checkActivityStream, checkCluster, checkKinesisStream, checkRecordDecrypts, checkToken, checkWorkerReady, type CheckResult } from './doctor-checks.js';
import { UsageError } from './tail.js';

export const DOCTOR_USAGE = `usage: das doctor [--cluster ID] [options]

Checks a deployment step by step, one line per check; exit code 0 only when every check passes.

  --cluster ID          the Aurora cluster (default: DAS_CLUSTER_ID or auroralab-mysql-cluster)
  -r, --region REGION   AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1)
  --endpoint URL        AWS endpoint override (default: AWS_ENDPOINT_URL)
  --worker-url URL      the worker to check (/readyz; /status with the token)
  --api-url URL         the API to check (an authenticated route with the token)
  --token TOKEN         bearer token of the API and the worker (default: DAS_TOKEN)
  --wait SECONDS        how long to wait for a record on the stream (default 20)
`;

export interface DoctorOptions {
  clusterId: string;
  aws: AwsSettings;
  /** Where the region and the credentials come from, for the first line. */
  regionSource: string;
  credentialSource: string;
  workerUrl?: string | undefined;
  apiUrl?: string | undefined;
  token?: string | undefined;
  waitMs: number;
  /** Per HTTP request to the API and the worker. */
  httpTimeoutMs: number;
}

function optionalUrl(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    return new URL(value).href;
  } catch {
    throw new UsageError(`${flag} must be a URL, got "${value}"`);
  }
}

/** Parses `das doctor` arguments; `env` supplies the defaults the worker itself reads. */
export function parseDoctorArgs(args: string[], env: Record<string, string | undefined>): DoctorOptions {
  let values;
  try {
    values = parseArgs({
      args,
      allowPositionals: false,
      options: {
        cluster: { type: 'string' },
        region: { type: 'string', short: 'r' },
        endpoint: { type: 'string' },
        'worker-url': { type: 'string' },
        'api-url': { type: 'string' },
        token: { type: 'string' },
        wait: { type: 'string' },
      },
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const wait = Number(values.wait ?? '20');
  if (!Number.isFinite(wait) || wait < 0 || wait > 600) throw new UsageError('--wait must be a number of seconds from 0 to 600');
  const [region, regionSource] =
    values.region !== undefined
      ? [values.region, '--region']
      : env.AWS_REGION
        ? [env.AWS_REGION, 'AWS_REGION']
        : env.AWS_DEFAULT_REGION
          ? [env.AWS_DEFAULT_REGION, 'AWS_DEFAULT_REGION']
          : ['us-east-1', 'the default (no AWS_REGION)'];
  const endpoint = values.endpoint ?? env.AWS_ENDPOINT_URL;
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  const fromEnv = accessKeyId !== undefined && secretAccessKey !== undefined;
  return {
    clusterId: values.cluster ?? env.DAS_CLUSTER_ID ?? 'auroralab-mysql-cluster',
    aws: {
      region,
      endpoint: endpoint === undefined || endpoint === '' ? undefined : endpoint,
      credentials: fromEnv ? { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN } : undefined,
    },
    regionSource,
    credentialSource: fromEnv ? 'the environment (AWS_ACCESS_KEY_ID)' : `the SDK default chain (${env.AWS_PROFILE ? `profile ${env.AWS_PROFILE}` : 'shared config, SSO or instance/task role'})`,
    workerUrl: optionalUrl(values['worker-url'], '--worker-url'),
    apiUrl: optionalUrl(values['api-url'], '--api-url'),
    token: values.token ?? env.DAS_TOKEN,
    waitMs: wait * 1000,
    httpTimeoutMs: 5000,
  };
}

/** An access key id shown as its first 4 and last 4 characters. */
function masked(accessKeyId: string): string {
  return accessKeyId.length > 10 ? `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}` : accessKeyId;
}

/**
 * Runs the checks in order, printing one line each (`ok`, `FAIL … → fix`, `skip`). A check whose
 * input an earlier failure took away is skipped. Resolves to the exit code: 0 when none failed.
 */
export async function runDoctor(options: DoctorOptions, out: (line: string) => void): Promise<number> {
  let failed = 0;
  const report = (name: string, result: CheckResult): boolean => {
    if (result.ok) out(`ok    ${name}: ${result.detail}`);
    else {
      failed += 1;
      out(`FAIL  ${name}: ${result.detail} → ${result.fix}`);
    }
    return result.ok;
  };
  const skip = (name: string, why: string) => out(`skip  ${name}: ${why}`);

  const clients = createAwsClients(options.aws);
  try {
    let credentials: { accessKeyId: string } | undefined;
    try {
      credentials = await clients.rds.config.credentials();
    } catch (error) {
      report('credentials and region', { ok: false, detail: `no credentials: ${error instanceof Error ? error.message : String(error)}`, fix: 'set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run on an instance/task with a role' });
    }
    const where = options.aws.endpoint ? `, endpoint ${options.aws.endpoint}` : '';
    if (credentials) report('credentials and region', { ok: true, detail: `access key ${masked(credentials.accessKeyId)} from ${options.credentialSource}; region ${options.aws.region} from ${options.regionSource}${where}` });

    const names = ['cluster', 'activity stream', 'Kinesis stream', 'record read and decrypted'];
    const { result, cluster } = credentials ? await checkCluster(clients, options.clusterId, options.aws.region) : { result: undefined, cluster: undefined };
    if (result) report('cluster', result);
    if (!cluster) names.slice(credentials ? 1 : 0).forEach((name) => skip(name, 'needs the cluster'));
    else if (!report('activity stream', checkActivityStream(cluster))) names.slice(2).forEach((name) => skip(name, 'needs a started activity stream'));
    else {
      const streamName = cluster.ActivityStreamKinesisStreamName!;
      if (!report('Kinesis stream', await checkKinesisStream(clients, streamName))) skip('record read and decrypted', 'needs the Kinesis stream');
      else {
        const stream = { streamName, resourceId: cluster.DbClusterResourceId ?? '', keyId: cluster.ActivityStreamKmsKeyId ?? '?' };
        report('record read and decrypted', await checkRecordDecrypts(clients, stream, options.waitMs));
      }
    }

    if (options.workerUrl === undefined) skip('worker store', 'no --worker-url');
    else report('worker store', await checkWorkerReady(options.workerUrl, options.httpTimeoutMs));
    for (const [name, url, path] of [['worker', options.workerUrl, '/status'], ['API', options.apiUrl, `/clusters/${encodeURIComponent(options.clusterId)}`]] as const) {
      if (url === undefined) skip(`${name} token`, `no --${name === 'API' ? 'api' : 'worker'}-url`);
      else if (options.token === undefined) report(`${name} token`, { ok: false, detail: 'no token to try', fix: 'pass --token or set DAS_TOKEN' });
      else report(`${name} token`, await checkToken(name, new URL(path, url).href, options.token, options.httpTimeoutMs));
    }
  } finally {
    for (const client of Object.values(clients)) client.destroy();
  }
  out(failed === 0 ? 'all checks passed' : `${failed} check(s) failed`);
  return failed === 0 ? 0 : 1;
}

/** `das doctor [args]` as the `das` bin runs it: help, usage errors (exit 2), then the checks. */
export async function doctorCommand(args: string[], env: Record<string, string | undefined>, write: (text: string) => void, writeError: (text: string) => void): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    write(DOCTOR_USAGE);
    return 0;
  }
  let options: DoctorOptions;
  try {
    options = parseDoctorArgs(args, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    writeError(`das doctor: ${error.message}\n\n${DOCTOR_USAGE}`);
    return 2;
  }
  return runDoctor(options, (line) => write(`${line}\n`));
}
