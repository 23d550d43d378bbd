// Known-good messages on both paths: vectors written by the reference SDK across suites, message
// formats, frame sizes, encryption contexts and EDK lists, and every kind of message our
// encryptor writes, which the SDK must decrypt too.
import { randomBytes } from 'node:crypto';
import type { AlgorithmSuiteIdentifier} from '@aws-crypto/client-node';
import { buildClient, CommitmentPolicy, MultiKeyringNode, RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/client-node';
import { describe, expect, it } from 'vitest';
import { createPrng } from '../../fixtures/prng.js';
import { dasKeyring } from '../esdk.js';
import { encryptMessageFast } from './encrypt-message.js';
import { fastOutcome, sdkOutcome } from './differential.test-support.js';
import { ALL_SUITE_IDS } from './suites.js';

const MAX_BODY = 1024 * 1024;
const legacy = buildClient(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);
const committing = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
const hex = (id: number) => `0x${id.toString(16).padStart(4, '0')}`;

function plaintextOf(size: number, seed: number): Buffer {
  const prng = createPrng(seed);
  return Buffer.from(Array.from({ length: size }, () => prng.int(256)));
}

/** Both paths must return exactly `plaintext`. */
async function expectBothDecrypt(message: Buffer, key: Buffer, plaintext: Buffer): Promise<void> {
  const fast = fastOutcome(message, key, MAX_BODY);
  const sdk = await sdkOutcome(message, key, MAX_BODY);
  expect(fast.kind === 'plaintext' && fast.plaintext.equals(plaintext), `fast path: ${fast.kind}`).toBe(true);
  expect(sdk.kind === 'plaintext' && sdk.plaintext.equals(plaintext), `SDK: ${sdk.kind}`).toBe(true);
}

const CONTEXTS: Record<string, Record<string, string>> = {
  empty: {},
  one: { 'aws:rds:dbc-id': 'cluster-4HNY5V4RRNPKKYB7ICFKE5JBQQ' },
  // Integer-like keys, a prototype name, non-ASCII and case that sort differently by code unit and by locale.
  awkward: { b: '2', '10': 'ten', '2': 'two', ['__proto__']: 'p', Zeta: 'z', alpha: 'a', 'éclair': 'ü', '日本': '語' },
};

describe('SDK-written vectors on both paths', () => {
  const cases: [string, AlgorithmSuiteIdentifier, number, string, number][] = [];
  for (const suiteId of ALL_SUITE_IDS) {
    cases.push([hex(suiteId), suiteId, 4096, 'one', 1000]);
    cases.push([hex(suiteId), suiteId, 64, 'awkward', 640]); // an exact multiple of the frame length
  }
  cases.push(['0x0378', 0x0378, 1, 'empty', 5]);
  cases.push(['0x0378', 0x0378, 4096, 'empty', 0]);
  cases.push(['0x0578', 0x0578, 1000, 'awkward', 0]);

  it.each(cases)('suite %s, %d-byte frames, %s context, %d bytes', async (_hex, suiteId, frameLength, contextName, size) => {
    const key = randomBytes(32);
    const plaintext = plaintextOf(size, suiteId + size);
    const client = suiteId >= 0x0478 ? committing : legacy;
    const { result } = await client.encrypt(dasKeyring(key), plaintext, { suiteId, frameLength, encryptionContext: CONTEXTS[contextName] ?? {} });
    await expectBothDecrypt(result, key, plaintext);
  });

  it('finds the BC/DataKey entry among other EDKs (another name, the same name under another key)', async () => {
    const key = randomBytes(32);
    const plaintext = plaintextOf(300, 9);
    const other = new RawAesKeyringNode({
      keyNamespace: 'BC',
      keyName: 'OtherKey',
      unencryptedMasterKey: randomBytes(32),
      wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    });
    const keyring = new MultiKeyringNode({ generator: other, children: [dasKeyring(randomBytes(32)), dasKeyring(key)] });
    for (const suiteId of [0x0378, 0x0578] as const) {
      const { result } = await (suiteId === 0x0578 ? committing : legacy).encrypt(keyring, plaintext, { suiteId });
      await expectBothDecrypt(result, key, plaintext);
      // Under neither wrapping key: both refuse.
      expect(fastOutcome(result, randomBytes(32), MAX_BODY).kind).toBe('refused');
      expect((await sdkOutcome(result, randomBytes(32), MAX_BODY)).kind).toBe('refused');
    }
  });
});

describe('our encryptor', () => {
  const cases: [string, number, number, number][] = [];
  for (const suiteId of ALL_SUITE_IDS) {
    for (const [frameLength, size] of [
      [4096, 5000],
      [100, 300],
      [100, 0],
      [0, 777],
      [0, 0],
    ] as const) {
      cases.push([hex(suiteId), suiteId, frameLength, size]);
    }
  }

  it.each(cases)('suite %s, frame length %d (0 = non-framed), %d bytes: the SDK and the fast path decrypt it', async (_hex, suiteId, frameLength, size) => {
    const key = randomBytes(32);
    const plaintext = plaintextOf(size, suiteId * 7 + size);
    const message = encryptMessageFast(plaintext, { wrappingKey: key, suiteId, frameLength, encryptionContext: { purpose: 'test', b: 'x' } });
    expect(message[0]).toBe(suiteId >= 0x0478 ? 2 : 1);
    await expectBothDecrypt(message, key, plaintext);
  });

  it.each([
    [4096, 9000],
    [0, 777],
    [100, 0],
  ])('frame length %d, %d bytes: frames sealed by node:crypto (DAS_AES_GCM=node:crypto) decrypt the same', async (frameLength, size) => {
    const key = randomBytes(32);
    const plaintext = plaintextOf(size, size + 11);
    process.env.DAS_AES_GCM = 'node:crypto';
    let message: Buffer;
    try {
      message = encryptMessageFast(plaintext, { wrappingKey: key, frameLength });
    } finally {
      delete process.env.DAS_AES_GCM;
    }
    await expectBothDecrypt(message, key, plaintext);
  });

  it('writes the layout the SDK writes for DAS (v1, 0x0378, 4096-byte frames, IV = sequence number)', () => {
    const message = encryptMessageFast(plaintextOf(5000, 3), { wrappingKey: randomBytes(32) });
    expect(message.subarray(0, 4).toString('hex')).toBe('01800378');
    const aadLength = message.readUInt16BE(20);
    const edkStart = 22 + aadLength;
    expect(message.readUInt16BE(edkStart)).toBe(1);
    expect(message.subarray(edkStart + 4, edkStart + 6).toString()).toBe('BC');
    // count, providerId (2 + 'BC'), providerInfo (2 + 'DataKey' + tag bits + IV length + IV), EDK (2 + 32 + 16)
    const edkEnd = edkStart + 2 + (2 + 2) + (2 + 7 + 4 + 4 + 12) + (2 + 48);
    expect(message.subarray(edkEnd, edkEnd + 10).toString('hex')).toBe('02000000000c00001000');
    const body = edkEnd + 10 + 12 + 16;
    expect(message.readUInt32BE(body)).toBe(1);
    expect(message.subarray(body + 4, body + 16).toString('hex')).toBe('000000000000000000000001');
  });

  it('refuses a reserved context key and an unknown suite', () => {
    expect(() => encryptMessageFast(Buffer.alloc(1), { wrappingKey: randomBytes(32), encryptionContext: { 'aws-crypto-public-key': 'x' } })).toThrow(/reserved/);
    expect(() => encryptMessageFast(Buffer.alloc(1), { wrappingKey: randomBytes(32), suiteId: 0x0999 })).toThrow(/unknown algorithm suite/);
    expect(() => encryptMessageFast(Buffer.alloc(1), { wrappingKey: randomBytes(16) })).toThrow(/wrapping key must be 32 bytes/);
  });
});
