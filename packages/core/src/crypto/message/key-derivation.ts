// Content key derivation and key commitment (spec framework/algorithm-suites.md, "Key
// Derivation" and "Key Commitment").
import { hkdfSync, timingSafeEqual } from 'node:crypto';
import { refuse } from './refusal.js';
import { COMMITMENT_BYTES, type MessageSuite } from './suites.js';

const DERIVE_KEY_LABEL = Buffer.from('DERIVEKEY', 'ascii');
const COMMIT_KEY_LABEL = Buffer.from('COMMITKEY', 'ascii');
const EMPTY = Buffer.alloc(0);

function suiteIdBytes(suite: MessageSuite): Buffer {
  const out = Buffer.allocUnsafe(2);
  out.writeUInt16BE(suite.id, 0);
  return out;
}

/**
 * The message's content key. v1 HKDF: salt empty (= HashLen zeros), info = suite id ‖ message id;
 * v2: salt = message id, info = suite id ‖ "DERIVEKEY". NO_KDF suites use the data key itself.
 */
export function deriveContentKey(suite: MessageSuite, dataKey: Buffer, messageId: Buffer): Buffer {
  if (suite.kdfHash === undefined) return Buffer.from(dataKey);
  if (!suite.committing) {
    const info = Buffer.concat([suiteIdBytes(suite), messageId]);
    return Buffer.from(hkdfSync(suite.kdfHash, dataKey, EMPTY, info, suite.keyBytes));
  }
  const info = Buffer.concat([suiteIdBytes(suite), DERIVE_KEY_LABEL]);
  return Buffer.from(hkdfSync(suite.kdfHash, dataKey, messageId, info, suite.keyBytes));
}

/** v2: the key commitment, HKDF(salt = message id, info = "COMMITKEY"), 32 bytes. */
export function keyCommitment(suite: MessageSuite, dataKey: Buffer, messageId: Buffer): Buffer {
  if (!suite.committing || suite.kdfHash === undefined) throw new Error(`suite 0x${suite.id.toString(16)} has no key commitment`);
  return Buffer.from(hkdfSync(suite.kdfHash, dataKey, messageId, COMMIT_KEY_LABEL, COMMITMENT_BYTES));
}

/** v2: refuses the message unless the header's commitment matches the data key. */
export function checkCommitment(suite: MessageSuite, dataKey: Buffer, messageId: Buffer, commitment: Buffer | undefined): void {
  if (!suite.committing) return;
  const expected = keyCommitment(suite, dataKey, messageId);
  if (commitment === undefined || commitment.length !== expected.length || !timingSafeEqual(expected, commitment)) {
    refuse('COMMITMENT_MISMATCH', 'the key commitment does not match the data key');
  }
}
