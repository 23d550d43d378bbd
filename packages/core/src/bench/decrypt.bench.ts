// Decryption throughput: the lab reader's design (one KMS call and a fresh AWS Encryption SDK
// client per record) against ours (cached data key, one client), in the same run, with a KMS
// stub that counts calls and adds a simulated latency. Run: npm run build && npm run bench.
import { gunzipSync } from 'node:zlib';
import { buildClient, CommitmentPolicy, RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/client-node';
import { createDataKeyCache, type DataKeyCache } from '../crypto/data-key-cache.js';
import { decryptRecord } from '../crypto/decrypt-record.js';
import {
  checkPayload,
  decryptMessage,
  gunzipPayload,
  parseEnvelope,
  parsePayloadJson,
  unwrapDataKey,
} from '../crypto/decrypt-steps.js';
import { encryptRecord } from '../crypto/encrypt-record.js';
import type { EsdkSuite } from '../crypto/esdk.js';
import { encryptionContextFor } from '../crypto/kms-port.js';
import { createEventGenerator } from '../fixtures/index.js';
import { normaliseEvents } from '../normalise.js';
import { createMemoryKms, type MemoryKms } from '../testing/index.js';

const RESOURCE_ID = 'cluster-4HNY5V4RRNPKKYB7ICFKE5JBQQ';
const KMS_LATENCY_MS = Number(process.env.DAS_BENCH_KMS_LATENCY_MS ?? 2);
/** RDS reuses a data key across records; here every 100 consecutive records share one. */
const RECORDS_PER_DATA_KEY = 100;
const POOL_RECORDS = 300;
const RUN_MS = Number(process.env.DAS_BENCH_RUN_MS ?? 2000);
const MAX_BYTES = 64 * 1024 * 1024;

interface Scenario {
  suite: EsdkSuite;
  eventsPerRecord: number;
}

interface RunResult {
  records: number;
  events: number;
  seconds: number;
  kmsCalls: number;
}

async function buildPool(kms: MemoryKms, scenario: Scenario): Promise<Uint8Array[]> {
  const generator = createEventGenerator({ seed: 1234, engine: 'mysql' });
  const pool: Uint8Array[] = [];
  let dataKey: Awaited<ReturnType<MemoryKms['generateDataKey']>> | undefined;
  for (let i = 0; i < POOL_RECORDS; i += 1) {
    if (i % RECORDS_PER_DATA_KEY === 0) dataKey = await kms.generateDataKey('alias/das', encryptionContextFor(RESOURCE_ID));
    pool.push(
      await encryptRecord(generator.payload(scenario.eventsPerRecord), {
        kms,
        keyId: 'alias/das',
        resourceId: RESOURCE_ID,
        suite: scenario.suite,
        dataKey,
      }),
    );
  }
  return pool;
}

/** The lab reader, transcribed: parse, KMS Decrypt, new ESDK client, decrypt, gunzip, parse. */
async function labDecrypt(record: Uint8Array, kms: MemoryKms): Promise<number> {
  const envelope = JSON.parse(Buffer.from(record).toString('utf8')) as { databaseActivityEvents: string; key: string };
  const dataKey = await kms.decrypt(Buffer.from(envelope.key, 'base64'), encryptionContextFor(RESOURCE_ID));
  const client = buildClient(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);
  const keyring = new RawAesKeyringNode({
    keyNamespace: 'BC',
    keyName: 'DataKey',
    unencryptedMasterKey: new Uint8Array(dataKey),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
  const { plaintext } = await client.decrypt(keyring, Buffer.from(envelope.databaseActivityEvents, 'base64'));
  const payload = JSON.parse(gunzipSync(plaintext).toString('utf8')) as { databaseActivityEventList: unknown[] };
  return payload.databaseActivityEventList.length;
}

async function timed(pool: Uint8Array[], kms: MemoryKms, decrypt: (record: Uint8Array, fresh: boolean) => Promise<number>): Promise<RunResult> {
  for (let i = 0; i < 10; i += 1) await decrypt(pool[i] as Uint8Array, i === 0); // warm up
  kms.resetCalls();
  let records = 0;
  let events = 0;
  const started = performance.now();
  while (performance.now() - started < RUN_MS) {
    const index = records % pool.length;
    events += await decrypt(pool[index] as Uint8Array, index === 0);
    records += 1;
  }
  return { records, events, seconds: (performance.now() - started) / 1000, kmsCalls: kms.calls.decrypt };
}

type Step = 'KMS' | 'SDK decrypt' | 'gunzip' | 'JSON parse' | 'validation' | 'normalise';

/** Our pipeline step by step (the same functions decryptRecord composes), timing each. */
async function breakdown(pool: Uint8Array[], kms: MemoryKms): Promise<Record<Step, number>> {
  const totals: Record<Step, number> = { KMS: 0, 'SDK decrypt': 0, gunzip: 0, 'JSON parse': 0, validation: 0, normalise: 0 };
  let cache = createDataKeyCache();
  const context = encryptionContextFor(RESOURCE_ID);
  const started = performance.now();
  for (let i = 0; performance.now() - started < RUN_MS; i += 1) {
    if (i % pool.length === 0) cache = createDataKeyCache();
    const record = pool[i % pool.length] as Uint8Array;
    let t = performance.now();
    const lap = (step: Step) => {
      const now = performance.now();
      totals[step] += now - t;
      t = now;
    };
    const envelope = parseEnvelope(record);
    lap('JSON parse');
    const key = await unwrapDataKey(envelope.key, kms, context, cache);
    lap('KMS');
    const gzipped = await decryptMessage(envelope.databaseActivityEvents, key, MAX_BYTES);
    lap('SDK decrypt');
    const bytes = await gunzipPayload(gzipped, MAX_BYTES);
    lap('gunzip');
    const json = parsePayloadJson(bytes);
    lap('JSON parse');
    const payload = checkPayload(json);
    lap('validation');
    normaliseEvents(payload);
    lap('normalise');
  }
  return totals;
}

/** The lab design step by step. */
async function labBreakdown(pool: Uint8Array[], kms: MemoryKms): Promise<Record<string, number>> {
  const totals = { KMS: 0, 'SDK client + decrypt': 0, gunzip: 0, 'JSON parse': 0 };
  const started = performance.now();
  for (let i = 0; performance.now() - started < RUN_MS; i += 1) {
    let t = performance.now();
    const lap = (step: keyof typeof totals) => {
      const now = performance.now();
      totals[step] += now - t;
      t = now;
    };
    const envelope = JSON.parse(Buffer.from(pool[i % pool.length] as Uint8Array).toString('utf8')) as Record<string, string>;
    lap('JSON parse');
    const dataKey = await kms.decrypt(Buffer.from(String(envelope.key), 'base64'), encryptionContextFor(RESOURCE_ID));
    lap('KMS');
    const client = buildClient(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);
    const keyring = new RawAesKeyringNode({
      keyNamespace: 'BC',
      keyName: 'DataKey',
      unencryptedMasterKey: new Uint8Array(dataKey),
      wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    });
    const { plaintext } = await client.decrypt(keyring, Buffer.from(String(envelope.databaseActivityEvents), 'base64'));
    lap('SDK client + decrypt');
    const text = gunzipSync(plaintext).toString('utf8');
    lap('gunzip');
    JSON.parse(text);
    lap('JSON parse');
  }
  return totals;
}

function percentages(totals: Record<string, number>): string {
  const sum = Object.values(totals).reduce((a, b) => a + b, 0);
  return Object.entries(totals)
    .map(([step, ms]) => `${step} ${((100 * ms) / sum).toFixed(1)}%`)
    .join(' | ');
}

const pad = (value: string | number, width: number) => String(value).padStart(width);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const scenarios: Scenario[] = [
    { suite: 'signed', eventsPerRecord: 1 },
    { suite: 'signed', eventsPerRecord: 50 },
    { suite: 'unsigned', eventsPerRecord: 1 },
    { suite: 'unsigned', eventsPerRecord: 50 },
  ];
  console.log(`DAS record decryption, Node ${process.version}, one record at a time`);
  console.log(`simulated KMS latency ${KMS_LATENCY_MS} ms per call; a data key is shared by ${RECORDS_PER_DATA_KEY} records; ${RUN_MS} ms per run`);
  console.log('lab  = KMS Decrypt + new ESDK client per record, gunzip, JSON.parse (no validation)');
  console.log('ours = decryptRecord(): data-key cache, one ESDK client, bounded gunzip, validation, normalisation\n');
  console.log(`${'suite'.padEnd(9)}${pad('ev/rec', 7)}  ${'design'.padEnd(6)}${pad('records/s', 11)}${pad('events/s', 11)}${pad('KMS calls', 11)}${pad('ours/lab', 10)}`);
  const breakdowns: string[] = [];
  for (const scenario of scenarios) {
    const kms = createMemoryKms({ latencyMs: KMS_LATENCY_MS });
    const pool = await buildPool(kms, scenario);
    const lab = await timed(pool, kms, (record) => labDecrypt(record, kms));
    let cache: DataKeyCache = createDataKeyCache();
    const ours = await timed(pool, kms, async (record, fresh) => {
      if (fresh) cache = createDataKeyCache(); // a new pass over the pool sees its keys as new
      return (await decryptRecord(record, { kms, resourceId: RESOURCE_ID, cache })).events.length;
    });
    const rate = (r: RunResult) => r.records / r.seconds;
    for (const [name, result] of [['lab', lab], ['ours', ours]] as const) {
      const ratio = name === 'ours' ? `${(rate(ours) / rate(lab)).toFixed(1)}×` : '';
      console.log(
        `${scenario.suite.padEnd(9)}${pad(scenario.eventsPerRecord, 7)}  ${name.padEnd(6)}${pad(fmt(rate(result)), 11)}${pad(fmt(result.events / result.seconds), 11)}${pad(result.kmsCalls, 11)}${pad(ratio, 10)}`,
      );
    }
    const label = `${scenario.suite}, ${scenario.eventsPerRecord} ev/rec`;
    breakdowns.push(`${label.padEnd(20)} ours: ${percentages(await breakdown(pool, kms))}`);
    breakdowns.push(`${''.padEnd(20)} lab:  ${percentages(await labBreakdown(pool, kms))}`);
  }
  console.log('\nwhere the time goes (share of wall time per step, same records):');
  for (const line of breakdowns) console.log(`  ${line}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
