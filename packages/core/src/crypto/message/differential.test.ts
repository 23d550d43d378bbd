// The fast path against the reference SDK on damaged messages: every mutation must end the same
// way on both (the same plaintext, or both refuse). Deterministic: a fixed seed, printed on failure.
import { randomBytes } from 'node:crypto';
import type { AlgorithmSuiteIdentifier} from '@aws-crypto/client-node';
import { buildClient, CommitmentPolicy, MultiKeyringNode } from '@aws-crypto/client-node';
import { describe, expect, it } from 'vitest';
import { createPrng } from '../../fixtures/prng.js';
import { dasKeyring } from '../esdk.js';
import { encryptMessageFast } from './encrypt-message.js';
import {
  describeOutcome,
  fastOutcome,
  footerMutations,
  frameMutations,
  headerMutations,
  randomMutation,
  sameOutcome,
  sdkOutcome,
  truncations,
  type Mutation,
} from './differential.test-support.js';

const SEED = 0xd1ff;
const RANDOM_MUTATIONS = 4000;
const MAX_BODY = 1024 * 1024;
const ALL_SUITES = [0x0014, 0x0046, 0x0078, 0x0114, 0x0146, 0x0178, 0x0214, 0x0346, 0x0378, 0x0478, 0x0578];

const legacy = buildClient(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);
const committing = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);

/** Deterministic content (the keys and IVs are random; outcomes do not depend on them). */
function plaintextOf(size: number, seed: number): Buffer {
  const prng = createPrng(seed);
  return Buffer.from(Array.from({ length: size }, () => prng.int(256)));
}

async function sdkMessage(wrappingKey: Buffer, suiteId: AlgorithmSuiteIdentifier, plaintext: Buffer, options: { frameLength: number; context?: Record<string, string>; extraKeyring?: boolean }): Promise<Buffer> {
  const keyring = options.extraKeyring === true ? new MultiKeyringNode({ generator: dasKeyring(randomBytes(32)), children: [dasKeyring(wrappingKey)] }) : dasKeyring(wrappingKey);
  const client = suiteId >= 0x0478 ? committing : legacy;
  const { result } = await client.encrypt(keyring, plaintext, { suiteId, frameLength: options.frameLength, encryptionContext: options.context ?? {} });
  return result;
}

describe('fast path vs the SDK on mutated messages', () => {
  it('ends ≥ 10,000 mutations the same way on both paths', { timeout: 120_000 }, async () => {
    const key = randomBytes(32);
    const text = plaintextOf(200, 1);
    const bases: { name: string; message: Buffer }[] = [
      { name: '0x0378 v1 signed, 64-byte frames', message: await sdkMessage(key, 0x0378, text, { frameLength: 64 }) },
      { name: '0x0178 v1 unsigned', message: await sdkMessage(key, 0x0178, text, { frameLength: 64 }) },
      { name: '0x0578 v2 signed', message: await sdkMessage(key, 0x0578, text, { frameLength: 80, context: { tenant: 'a' } }) },
      { name: '0x0478 v2 unsigned', message: await sdkMessage(key, 0x0478, text, { frameLength: 100 }) },
      { name: '0x0214 P-256', message: await sdkMessage(key, 0x0214, text, { frameLength: 64 }) },
      { name: '0x0014 no KDF, context, two EDKs', message: await sdkMessage(key, 0x0014, text, { frameLength: 128, context: { b: '2', a: '1' }, extraKeyring: true }) },
      { name: '0x0378 non-framed (ours)', message: encryptMessageFast(text, { wrappingKey: key, suiteId: 0x0378, frameLength: 0 }) },
    ];
    const mutations: Mutation[] = [];
    const [first] = bases;
    if (first === undefined) throw new Error('no base message');
    for (const mutation of truncations(first.message)) mutations.push({ ...mutation, label: `${first.name}: ${mutation.label}` });
    for (const base of bases) {
      const others = ALL_SUITES.filter((id) => id !== base.message.readUInt16BE(base.message[0] === 1 ? 2 : 1));
      for (const family of [headerMutations(base.message, others), frameMutations(base.message), footerMutations(base.message)]) {
        for (const mutation of family) mutations.push({ ...mutation, label: `${base.name}: ${mutation.label}` });
      }
    }
    const prng = createPrng(SEED);
    for (let i = 0; i < RANDOM_MUTATIONS; i += 1) {
      const base = prng.pick(bases);
      const other = prng.pick(bases);
      const mutation = randomMutation(prng, base.message, other.message);
      mutations.push({ ...mutation, label: `${base.name}: random #${i}: ${mutation.label}` });
    }
    expect(mutations.length).toBeGreaterThanOrEqual(10_000);

    const mismatches: string[] = [];
    const tally = { plaintext: 0, refused: 0, unsupported: 0 };
    for (const mutation of mutations) {
      const fast = fastOutcome(mutation.bytes, key, MAX_BODY);
      const sdk = await sdkOutcome(mutation.bytes, key, MAX_BODY);
      tally[fast.kind] += 1;
      if (!sameOutcome(fast, sdk)) mismatches.push(`${mutation.label} (${mutation.bytes.toString('base64')}): fast ${describeOutcome(fast)}, SDK ${describeOutcome(sdk)}`);
    }
    expect(mismatches, `seed 0x${SEED.toString(16)}; ${mismatches.length} of ${mutations.length} differ`).toEqual([]);
    // The catalogue reaches acceptance too (e.g. trailing bytes after unsigned messages, IV bits).
    expect(tally.plaintext).toBeGreaterThan(0);
    expect(tally.refused).toBeGreaterThan(9000);
  });
});
