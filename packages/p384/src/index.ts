// ECDSA P-384 signing keys: the native table signer (native/p384.c, ~3× faster than OpenSSL 3.0's
// generic P-384) where its addon was built, node:crypto otherwise. Both write DER signatures of
// SHA-384(data) that any ECDSA verifier accepts.
import { createHash, randomBytes, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { derSignature } from './der.js';
import { nativeP384, nativeP384Status, type P384Addon } from './native-addon.js';

export { derSignature } from './der.js';
export { nativeP384Status } from './native-addon.js';

/** Which code new P-384 keys will sign with here, and why it is not the addon when it is not (for a start-up log line). */
export function p384Backend(): { backend: P384Backend; reason?: string } {
  if (process.env.DAS_P384 === 'node:crypto') return { backend: 'node:crypto', reason: 'DAS_P384=node:crypto' };
  const status = nativeP384Status();
  return status.loaded ? { backend: 'native' } : { backend: 'node:crypto', reason: status.reason };
}

/** Which code signs: the addon, or OpenSSL through node:crypto. */
export type P384Backend = 'native' | 'node:crypto';

export interface P384SigningKey {
  readonly backend: P384Backend;
  /** The DER-encoded ECDSA signature of SHA-384(`data`). */
  sign(data: Uint8Array): Buffer;
}

const SCALAR_BYTES = 48;
/** What a signature draws: its nonce, then the random factors that blind its two inversions. */
const RANDOM_BYTES = 3 * SCALAR_BYTES;
/** A draw out of range (≥ n or ≥ p: odds below 2^-189, n and p being that close to 2^384) is drawn again, a bounded number of times. */
const MAX_DRAWS = 8;

/**
 * A signer for `privateKey` (a P-384 private KeyObject). `backend: 'node:crypto'` skips the addon;
 * so does `DAS_P384=node:crypto` in the environment (to compare the two, or to rule the addon out).
 */
export function p384SigningKey(privateKey: KeyObject, options: { backend?: 'auto' | 'node:crypto' } = {}): P384SigningKey {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'secp384r1') {
    throw new TypeError('p384SigningKey takes a P-384 (secp384r1) private key');
  }
  const addon = options.backend !== 'node:crypto' && p384Backend().backend === 'native' ? nativeP384() : undefined;
  if (addon !== undefined) {
    const secret = scalarOf(privateKey, addon);
    if (secret !== undefined) return nativeKey(addon, secret);
  }
  return { backend: 'node:crypto', sign: (data) => cryptoSign('sha384', data, { key: privateKey, dsaEncoding: 'der' }) };
}

function nativeKey(addon: P384Addon, secret: Buffer): P384SigningKey {
  return {
    backend: 'native',
    sign(data) {
      const digest = createHash('sha384').update(data).digest();
      for (let draw = 0; draw < MAX_DRAWS; draw++) {
        const signature = addon.sign(secret, digest, randomBytes(RANDOM_BYTES));
        if (signature !== undefined) return derSignature(signature);
      }
      throw new Error(`P384_NONCE: no usable nonce in ${MAX_DRAWS} draws (is the random source broken?)`);
    },
  };
}

/**
 * The key's private scalar, once the addon has derived the same public point from it as OpenSSL
 * holds: a key the addon would sign wrongly for, or an addon that cannot sign, is left to node:crypto.
 */
function scalarOf(privateKey: KeyObject, addon: P384Addon): Buffer | undefined {
  const jwk = privateKey.export({ format: 'jwk' });
  if (jwk.d === undefined || jwk.x === undefined || jwk.y === undefined) return undefined;
  const secret = Buffer.from(jwk.d, 'base64url');
  const expected = Buffer.concat([Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
  if (secret.length !== SCALAR_BYTES || expected.length !== 2 * SCALAR_BYTES) return undefined;
  try {
    return addon.publicKey(secret).equals(expected) ? secret : undefined;
  } catch {
    return undefined; // P384_NOT_READY: the addon's table failed its self-check
  }
}
