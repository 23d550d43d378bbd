import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type ApiApp } from '@das/api';
import { fetchLocal, startLocalAws, type LocalAws } from '@das/local-aws';
import { runLab } from '@das/stack';
import { DEFAULT_CLUSTER_ID } from '@das/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedActions, APP_POLICIES, readPolicy, resourcesOf, statementsFor, type AppName } from '../src/policy-documents.js';
import { freePort, repoPath, runToExit, waitFor } from './helpers.js';

/**
 * Each app's policy document holds exactly the actions the app calls. The emulator logs every
 * action it serves under the caller's access key id; every app runs with its own key.
 */

/**
 * Actions a policy needs that the app never sends itself, so the emulator cannot see them.
 * Each one with the reason; everything else in a policy must show up in the call log.
 */
const NEEDED_BUT_NOT_CALLED: Record<AppName, Record<string, string>> = {
  api: {
    'kms:CreateGrant': 'StartActivityStream: RDS creates a grant on the stream key with the caller\'s permissions (AWS checks it, the emulator has no grants)',
    'kms:TagResource': 'CreateKey with Tags (created-by=das-toolkit) needs kms:TagResource as well as kms:CreateKey',
  },
  worker: {},
  tail: {},
  lab: {
    'kms:CreateGrant': 'StartActivityStream: RDS creates a grant on the stream key with the caller\'s permissions (AWS checks it, the emulator has no grants)',
  },
};

/** Actions AWS does not scope to a resource: the only ones allowed on `"Resource": "*"`. */
const UNSCOPED_ACTIONS = new Set([
  'kms:ListKeys',
  'kms:ListAliases',
  'kms:CreateKey',
  'ssm:GetCommandInvocation',
  'ssm:ListCommands',
  'ssm:CancelCommand',
  'ssm:DescribeInstanceInformation',
  'ssm:ListDocuments',
]);

// The emulator's seeded cluster is the worker's default one.
const CLUSTER = DEFAULT_CLUSTER_ID;
const TOKEN = 'deploy-iam-test-token-0123456789';
const SECRET = 'test-secret';

let aws: LocalAws;
let dataDir: string;
let app: ApiApp | undefined;
let callers: Record<string, Record<string, number>> = {};

async function api(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) {
  const response = await app!.inject({ method, url, headers: { authorization: `Bearer ${TOKEN}` }, ...(payload === undefined ? {} : { payload }) });
  return { status: response.statusCode, body: response.json() as Record<string, unknown> };
}

async function streamStatus(): Promise<string> {
  const { body } = await api('GET', `/clusters/${CLUSTER}`);
  return (body.activityStream as { status: string }).status;
}

/** The lab's five steps with `npm run lab`'s code; it takes credentials from the environment like the CLI. */
async function runTheLab(): Promise<string[]> {
  const lines: string[] = [];
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  process.env.AWS_ACCESS_KEY_ID = APP_POLICIES.lab.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = SECRET;
  try {
    await runLab({ endpoint: aws.endpoint, region: aws.region, clusterId: CLUSTER, warehouses: 1, threads: 1, durationSec: 2, showEvents: 2, print: (line) => lines.push(line) });
  } finally {
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    else process.env.AWS_ACCESS_KEY_ID = saved.id;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  }
  return lines;
}

/** The API's key routes, with its own credentials; first, so KMS holds no key yet. */
async function driveTheApiKeys(): Promise<string> {
  app = await buildApp({
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    dataDir,
    consoleOrigins: [],
    workerUrl: 'http://127.0.0.1:9',
    loadDocument: 'DAS-Lab-TpccLoad',
    logLevel: 'silent',
    aws: { region: aws.region, endpoint: aws.endpoint, credentials: { accessKeyId: APP_POLICIES.api.accessKeyId, secretAccessKey: SECRET } },
  });
  expect((await api('GET', '/readyz')).status).toBe(200);
  // With administrators and no ARN to learn the account from, the policy is put after CreateKey.
  const administered = await api('POST', '/keys', { alias: 'das-deploy-admin', keyAdministrators: [`arn:aws:iam::${aws.accountId}:role/das-admin`] });
  expect(administered.status).toBe(201);
  const keyId = (administered.body.key as { keyId: string }).keyId;
  expect((await api('GET', '/keys')).status).toBe(200);
  expect((await api('GET', `/keys/${keyId}`)).status).toBe(200);
  expect((await api('DELETE', `/keys/${keyId}?pendingWindowInDays=7`)).status).toBe(200);
  expect((await api('POST', `/keys/${keyId}/cancel-deletion`)).status).toBe(200);
  const streamKey = await api('POST', '/keys', { alias: 'das-deploy-stream' });
  expect(streamKey.status).toBe(201);
  return (streamKey.body.key as { arn: string }).arn;
}

/** The API's cluster and load-run routes. */
async function driveTheApiStreamAndLoad(streamKeyArn: string): Promise<void> {
  expect((await api('GET', '/clusters')).status).toBe(200);
  const started = await api('POST', `/clusters/${CLUSTER}/activity-stream`, { kmsKeyId: streamKeyArn });
  expect(started.status).toBeLessThan(300);
  await waitFor(streamStatus, (status) => status === 'started', 30_000);

  const run = await api('POST', '/load-runs', { parameters: { warehouses: 1, threads: 1, duration: 1 } });
  expect(run.status).toBe(201);
  const runId = run.body.id as string;
  expect((await api('GET', '/load-runs')).status).toBe(200);
  expect((await api('GET', `/load-runs/${runId}`)).status).toBe(200);
  expect((await api('DELETE', `/load-runs/${runId}`)).status).toBeLessThan(500);
  // A run left to finish: its statements are the activity the worker and das tail read next.
  expect((await api('POST', '/load-runs', { parameters: { warehouses: 1, threads: 1, duration: 1 } })).status).toBe(201);
}

/** The built das-worker with its own credentials, until it has stored events. */
async function runTheWorker(): Promise<void> {
  const port = await freePort();
  const workerDir = await mkdtemp(join(tmpdir(), 'das-deploy-worker-'));
  const child = spawn(process.execPath, [repoPath('apps/worker/bin/das-worker.js')], {
    env: {
      PATH: process.env.PATH,
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_REGION: aws.region,
      AWS_ACCESS_KEY_ID: APP_POLICIES.worker.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      DAS_TOKEN: TOKEN,
      DAS_DATA_DIR: workerDir,
      DAS_WORKER_PORT: String(port),
      DAS_CLUSTER_ID: CLUSTER,
      DAS_START_POSITION: 'TRIM_HORIZON',
      DAS_DECRYPT_THREADS: '1',
      DAS_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitFor(
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/events?limit=1`, { headers: { authorization: `Bearer ${TOKEN}` } }).catch(() => undefined);
        return response?.ok ? ((await response.json()) as { events: unknown[] }).events.length : 0;
      },
      (events) => events > 0,
      60_000,
      () => stderr,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(workerDir, { recursive: true, force: true });
  }
}

/** `das tail` (the built bin) with its own credentials, for two events. */
async function runTail(): Promise<void> {
  const result = await runToExit(
    repoPath('apps/worker/bin/das.js'),
    ['tail', '--cluster', CLUSTER, '--from', 'trim-horizon', '--limit', '2', '--ndjson'],
    {
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_REGION: aws.region,
      AWS_ACCESS_KEY_ID: APP_POLICIES.tail.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    60_000,
  );
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout.trim().split('\n')).toHaveLength(2);
}

/** `das doctor` is run with the worker's role: its calls must fit the worker's policy. */
async function runDoctor(): Promise<void> {
  const result = await runToExit(
    repoPath('apps/worker/bin/das.js'),
    ['doctor', '--cluster', CLUSTER, '--wait', '30'],
    {
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_REGION: aws.region,
      AWS_ACCESS_KEY_ID: 'doctor-test',
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    60_000,
  );
  expect(result.code, result.stdout + result.stderr).toBe(0);
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'das-deploy-iam-'));
  // The private MariaDB: the lab's and the API's SSM load runs need a database, and its audit log feeds the stream.
  aws = await startLocalAws({ port: 0, dataDir, source: 'mariadb', activityStreamDelayMs: 300, callLogFile: true });
  const streamKeyArn = await driveTheApiKeys();
  const lab = await runTheLab();
  expect(lab.join('\n')).toContain('Lab complete.');
  await driveTheApiStreamAndLoad(streamKeyArn);
  await runTheWorker();
  await runTail();
  await runDoctor();
  expect((await api('DELETE', `/clusters/${CLUSTER}/activity-stream`)).status).toBeLessThan(300);
  await waitFor(streamStatus, (status) => status === 'stopped', 30_000);
  callers = ((await (await fetchLocal(aws.endpoint, '/_local/calls')).json()) as { callers: typeof callers }).callers;
}, 240_000);

afterAll(async () => {
  await app?.close();
  await aws?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe.each(Object.keys(APP_POLICIES) as AppName[])('the %s policy', (name) => {
  const { file, accessKeyId } = APP_POLICIES[name];

  it('allows exactly the actions the app called, plus the listed indirect ones', () => {
    const policy = [...allowedActions(readPolicy(file))].sort();
    const called = Object.keys(callers[accessKeyId] ?? {}).sort();
    expect(called.length, `no calls logged for ${accessKeyId}`).toBeGreaterThan(0);
    const notInPolicy = called.filter((action) => !policy.includes(action));
    expect(notInPolicy, `${name} called actions its policy (${file}) does not allow`).toEqual([]);
    const indirect = NEEDED_BUT_NOT_CALLED[name];
    const neverCalled = policy.filter((action) => !called.includes(action) && !(action in indirect));
    expect(neverCalled, `${file} allows actions ${name} never called`).toEqual([]);
    // An indirect entry that the app does call now belongs to the proven set: drop it from the list.
    expect(Object.keys(indirect).filter((action) => called.includes(action) && !policy.includes(action))).toEqual([]);
  });

  it('scopes every action to resources unless AWS has no resource for it', () => {
    const policy = readPolicy(file);
    expect(policy.Version).toBe('2012-10-17');
    for (const action of allowedActions(policy)) {
      expect(action, 'no wildcard actions').not.toMatch(/\*/);
      for (const statement of statementsFor(policy, action)) {
        if (!UNSCOPED_ACTIONS.has(action)) expect(resourcesOf(statement), `${action} in ${statement.Sid}`).not.toContain('*');
      }
    }
  });
});

describe('das doctor', () => {
  it('calls exactly the actions of the worker policy, so it runs with the worker role', () => {
    expect(Object.keys(callers['doctor-test'] ?? {}).sort()).toEqual([...allowedActions(readPolicy(APP_POLICIES.worker.file))].sort());
  });
});

describe('KMS Decrypt', () => {
  it.each(['worker', 'tail', 'lab'] as const)('is bound to the cluster encryption context for %s', (name) => {
    for (const statement of statementsFor(readPolicy(APP_POLICIES[name].file), 'kms:Decrypt')) {
      expect(statement.Condition?.StringEquals?.['kms:EncryptionContext:aws:rds:dbc-id']).toBe('CLUSTER_RESOURCE_ID');
    }
  });

  it('the key policy lets readers decrypt only under that context, and RDS grants only for AWS resources', () => {
    const keyPolicy = readPolicy('iam/kms-key-policy.json');
    const decrypt = statementsFor(keyPolicy, 'kms:Decrypt');
    expect(decrypt).toHaveLength(1);
    expect(decrypt[0]!.Condition?.StringEquals?.['kms:EncryptionContext:aws:rds:dbc-id']).toBe('CLUSTER_RESOURCE_ID');
    const grant = statementsFor(keyPolicy, 'kms:CreateGrant');
    expect(grant[0]!.Condition?.Bool?.['kms:GrantIsForAWSResource']).toBe('true');
  });
});
