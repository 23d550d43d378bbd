import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { KMSClient } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { startLocalAws, type LocalAws, type LocalAwsOptions } from '../src/index.js';

export const TEST_CREDENTIALS = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-secret' };

export async function makeDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'das-local-test-'));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** An emulator on a free port with fast transitions and a fresh data dir. */
export async function startTestEmulator(overrides: Partial<LocalAwsOptions> = {}): Promise<{ aws: LocalAws; dataDir: string; logs: string[] }> {
  const dataDir = overrides.dataDir ?? (await makeDataDir());
  const logs: string[] = [];
  const aws = await startLocalAws({
    port: 0,
    dataDir,
    activityStreamDelayMs: 100,
    kinesisDelayMs: 20,
    log: (line) => logs.push(line),
    ...overrides,
  });
  return { aws, dataDir, logs };
}

/** The SDK clients as a user builds them: default handlers (Kinesis = HTTP/2), any credentials. */
export function sdkClients(endpoint: string) {
  const config = { endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  return { kms: new KMSClient(config), kinesis: new KinesisClient(config), rds: new RDSClient(config) };
}

/** Polls `read` until `accept` holds or the deadline passes (then throws with the last value). */
export async function waitFor<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await read();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The error an SDK call rejects with (fails the test if it resolves). */
export async function sdkError(promise: Promise<unknown>): Promise<{ name: string; message: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
}
