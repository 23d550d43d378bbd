// Decryption throughput, all in one run with a KMS stub that counts calls and adds a simulated
// latency: the lab reader's design (one KMS call and a fresh AWS Encryption SDK client per
// record), ours on the SDK (decryptEngine 'sdk'), ours on the fast node:crypto path (default),
// the fast path's message decrypt alone, and the crypto floor (node:crypto directly: one ECDSA
// verify + one AES-GCM over the body + one HKDF per record). Run: npm run build && npm run bench.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, verify, type KeyObject } from 'node:crypto';
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
  type DecryptEngine,
} from '../crypto/decrypt-steps.js';
import { encryptRecordFast } from '../crypto/encrypt-record.js';
import { decryptMessageFast } from '../crypto/message/decrypt-message.js';
import { parseHeader } from '../crypto/message/header.js';
import { verificationKey } from '../crypto/message/signature.js';
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
      await encryptRecordFast(generator.payload(scenario.eventsPerRecord), {
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

type Step = 'KMS' | 'ESDK decrypt' | 'gunzip' | 'JSON parse' | 'validation' | 'normalise';

/** Our pipeline step by step (the same functions decryptRecord composes), timing each. */
async function breakdown(pool: Uint8Array[], kms: MemoryKms, engine: DecryptEngine): Promise<Record<Step, number>> {
  const totals: Record<Step, number> = { KMS: 0, 'ESDK decrypt': 0, gunzip: 0, 'JSON parse': 0, validation: 0, normalise: 0 };
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
    const gzipped = await decryptMessage(envelope.databaseActivityEvents, key, MAX_BYTES, engine);
    lap('ESDK decrypt');
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

/** One record's inputs to the fast path's message decrypt and to the crypto floor. */
interface MessageWork {
  message: Buffer;
  wrappingKey: Uint8Array;
  /** Floor inputs: the signed bytes, signature and (pre-imported) key; a GCM ciphertext as long as the body. */
  signed: Buffer | undefined;
  signature: Buffer | undefined;
  publicKey: KeyObject | undefined;
  gcm: { key: Buffer; iv: Buffer; ciphertext: Buffer; tag: Buffer };
  hkdfInfo: Buffer;
}

async function messageWork(pool: Uint8Array[], kms: MemoryKms): Promise<MessageWork[]> {
  const out: MessageWork[] = [];
  const cache = createDataKeyCache();
  for (const record of pool) {
    const envelope = parseEnvelope(record);
    const wrappingKey = await unwrapDataKey(envelope.key, kms, encryptionContextFor(RESOURCE_ID), cache);
    const message = Buffer.from(envelope.databaseActivityEvents, 'base64');
    const parsed = parseHeader(message);
    if (!parsed.ok) throw new Error('bench message not parseable');
    const { header } = parsed;
    const signature = header.suite.signature;
    const end = bodyEnd(message, header.bodyStart, header.frameLength);
    const footerLength = message.length - end;
    const bodyBytes = end - header.bodyStart;
    const key = randomBytes(32);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const ciphertext = Buffer.concat([cipher.update(randomBytes(bodyBytes)), cipher.final()]);
    out.push({
      message,
      wrappingKey,
      signed: signature === undefined ? undefined : message.subarray(0, message.length - footerLength),
      signature: signature === undefined ? undefined : message.subarray(message.length - footerLength + 2),
      publicKey: signature === undefined ? undefined : verificationKey(signature.curve, header.encryptionContext['aws-crypto-public-key']),
      gcm: { key, iv, ciphertext, tag: cipher.getAuthTag() },
      hkdfInfo: Buffer.concat([message.subarray(2, 4), header.messageId]),
    });
  }
  return out;
}

/** Where the framed body of a valid message ends (the footer starts). */
function bodyEnd(message: Buffer, bodyStart: number, frameLength: number): number {
  let pos = bodyStart;
  while (message.readUInt32BE(pos) !== 0xffff_ffff) pos += 4 + 12 + frameLength + 16;
  return pos + 4 + 4 + 12 + 4 + message.readUInt32BE(pos + 20) + 16;
}

/** The crypto floor of one record, with node:crypto directly. */
function floorOnce(work: MessageWork): void {
  hkdfSync('sha384', work.wrappingKey, Buffer.alloc(0), work.hkdfInfo, 32);
  const decipher = createDecipheriv('aes-256-gcm', work.gcm.key, work.gcm.iv);
  decipher.setAuthTag(work.gcm.tag);
  decipher.update(work.gcm.ciphertext);
  decipher.final();
  if (work.publicKey !== undefined && work.signed !== undefined && work.signature !== undefined) {
    if (!verify('sha384', work.signed, { key: work.publicKey, dsaEncoding: 'der' }, work.signature)) throw new Error('floor: bad signature');
  }
}

/** Runs `fn` over the items for RUN_MS; records per second. */
function rateOf<T>(items: T[], fn: (item: T) => void): number {
  for (let i = 0; i < 20; i += 1) fn(items[i % items.length] as T); // warm up
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < RUN_MS) {
    fn(items[n % items.length] as T);
    n += 1;
  }
  return n / ((performance.now() - started) / 1000);
}

const pad = (value: string | number, width: number) => String(value).padStart(width);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

async function main(): Promise<void> {
  const scenarios: Scenario[] = [
    { suite: 'signed', eventsPerRecord: 1 },
    { suite: 'signed', eventsPerRecord: 50 },
    { suite: 'unsigned', eventsPerRecord: 1 },
    { suite: 'unsigned', eventsPerRecord: 50 },
  ];
  console.log(`DAS record decryption, Node ${process.version}, one record at a time`);
  console.log(`simulated KMS latency ${KMS_LATENCY_MS} ms per call; a data key is shared by ${RECORDS_PER_DATA_KEY} records; ${RUN_MS} ms per run`);
  console.log('lab   = KMS Decrypt + new ESDK client per record, gunzip, JSON.parse (no validation)');
  console.log("sdk   = decryptRecord({ decryptEngine: 'sdk' }): data-key cache, one ESDK client, bounded gunzip, validation, normalisation");
  console.log('fast  = decryptRecord(): the same, with the node:crypto message decrypt');
  console.log('msg   = the fast path\'s message decrypt alone (decryptMessageFast on the message bytes, key in hand)');
  console.log('floor = node:crypto directly: HKDF + one AES-GCM over the body bytes + one ECDSA verify (signed), key pre-imported\n');
  console.log(
    `${'suite'.padEnd(9)}${pad('ev/rec', 7)}${pad('lab/s', 9)}${pad('sdk/s', 9)}${pad('fast/s', 9)}${pad('msg/s', 9)}${pad('floor/s', 9)}${pad('KMS', 6)}` +
      `${pad('fast/sdk', 10)}${pad('fast/lab', 10)}${pad('floor/msg', 11)}${pad('floor/fast', 12)}`,
  );
  const breakdowns: string[] = [];
  for (const scenario of scenarios) {
    const kms = createMemoryKms({ latencyMs: KMS_LATENCY_MS });
    const pool = await buildPool(kms, scenario);
    const lab = await timed(pool, kms, (record) => labDecrypt(record, kms));
    const ours = async (engine: DecryptEngine): Promise<RunResult> => {
      let cache: DataKeyCache = createDataKeyCache();
      return timed(pool, kms, async (record, fresh) => {
        if (fresh) cache = createDataKeyCache(); // a new pass over the pool sees its keys as new
        return (await decryptRecord(record, { kms, resourceId: RESOURCE_ID, cache, decryptEngine: engine })).events.length;
      });
    };
    const sdk = await ours('sdk');
    const fast = await ours('fast');
    const work = await messageWork(pool, kms);
    const msg = rateOf(work, (w) => {
      const result = decryptMessageFast(w.message, w.wrappingKey, MAX_BYTES);
      if (!result.ok) throw new Error('bench message left to the SDK');
    });
    const floor = rateOf(work, floorOnce);
    const rate = (r: RunResult) => r.records / r.seconds;
    console.log(
      `${scenario.suite.padEnd(9)}${pad(scenario.eventsPerRecord, 7)}${pad(fmt(rate(lab)), 9)}${pad(fmt(rate(sdk)), 9)}${pad(fmt(rate(fast)), 9)}${pad(fmt(msg), 9)}${pad(fmt(floor), 9)}` +
        `${pad(`${fast.kmsCalls}`, 6)}${pad(ratio(rate(fast), rate(sdk)), 10)}${pad(ratio(rate(fast), rate(lab)), 10)}${pad(ratio(floor, msg), 11)}${pad(ratio(floor, rate(fast)), 12)}`,
    );
    const label = `${scenario.suite}, ${scenario.eventsPerRecord} ev/rec`;
    breakdowns.push(`${label.padEnd(20)} fast: ${percentages(await breakdown(pool, kms, 'fast'))}`);
    breakdowns.push(`${''.padEnd(20)} sdk:  ${percentages(await breakdown(pool, kms, 'sdk'))}`);
    breakdowns.push(`${''.padEnd(20)} lab:  ${percentages(await labBreakdown(pool, kms))}`);
  }
  console.log('\nfloor/msg: time of the fast message decrypt over the floor\'s (goal ≤ 1.3×); fast/lab goal ≥ 4×');
  console.log('where the time goes (share of wall time per step, same records):');
  for (const line of breakdowns) console.log(`  ${line}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
