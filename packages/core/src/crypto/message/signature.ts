// The footer's ECDSA signature (spec data-format/message-footer.md) and its public key, which
// the encryption context carries as a base64 SEC1 point under `aws-crypto-public-key`.
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { p384SigningKey, type P384Backend } from '@das/p384';
import { refuse } from './refusal.js';
import type { MessageSuite } from './suites.js';

type SuiteSignature = NonNullable<MessageSuite['signature']>;
type Curve = SuiteSignature['curve'];

/** DER SubjectPublicKeyInfo prefixes (id-ecPublicKey + curve OID + BIT STRING header) by point size. */
const SPKI_PREFIXES: Record<Curve, { compressed: Buffer; uncompressed: Buffer; coordinateBytes: number }> = {
  secp384r1: {
    compressed: Buffer.from('3046301006072a8648ce3d020106052b81040022033200', 'hex'),
    uncompressed: Buffer.from('3076301006072a8648ce3d020106052b81040022036200', 'hex'),
    coordinateBytes: 48,
  },
  prime256v1: {
    compressed: Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex'),
    uncompressed: Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex'),
    coordinateBytes: 32,
  },
};

/** Parsed keys by curve and encoded form: messages sealed under one signing key share one import. */
const MAX_CACHED_KEYS = 256;
const keyCache = new Map<string, KeyObject>();

/**
 * The verification key of a signed message from the context value (base64 SEC1 point, as the SDK
 * reads it: `Buffer.from(value, 'base64')`). OpenSSL imports the point straight from a DER SPKI
 * (~0.16 ms; a JWK would need the point decompressed first, ~0.5 ms). Refuses a missing or bad key.
 */
export function verificationKey(curve: Curve, encoded: string | undefined): KeyObject {
  if (encoded === undefined || encoded === '') refuse('PUBLIC_KEY_INVALID', 'signed suite without aws-crypto-public-key');
  const cacheKey = `${curve}:${encoded}`;
  const cached = keyCache.get(cacheKey);
  if (cached !== undefined) {
    keyCache.delete(cacheKey);
    keyCache.set(cacheKey, cached);
    return cached;
  }
  const point = Buffer.from(encoded, 'base64');
  const prefixes = SPKI_PREFIXES[curve];
  const prefix =
    point.length === prefixes.coordinateBytes + 1 ? prefixes.compressed : point.length === 2 * prefixes.coordinateBytes + 1 ? prefixes.uncompressed : undefined;
  if (prefix === undefined) refuse('PUBLIC_KEY_INVALID', `public key of ${point.length} bytes is no ${curve} point`);
  let key: KeyObject;
  try {
    // OpenSSL checks that the point lies on the curve.
    key = createPublicKey({ key: Buffer.concat([prefix, point]), format: 'der', type: 'spki' });
  } catch {
    refuse('PUBLIC_KEY_INVALID', `public key is no ${curve} point`);
  }
  keyCache.set(cacheKey, key);
  if (keyCache.size > MAX_CACHED_KEYS) keyCache.delete(keyCache.keys().next().value as string);
  return key;
}

/**
 * Checks the footer (signature length uint16 ‖ DER ECDSA signature, nothing after it) against
 * the signed bytes (everything before the footer).
 */
export function verifyFooter(hash: 'sha256' | 'sha384', key: KeyObject, signed: Buffer, footer: Buffer): void {
  if (footer.length <= 2) refuse('SIGNATURE_INVALID', 'message has no signature');
  const length = footer.readUInt16BE(0);
  if (length === 0 || footer.length !== length + 2) refuse('SIGNATURE_INVALID', `footer of ${footer.length} bytes for a ${length}-byte signature`);
  let ok = false;
  try {
    ok = verify(hash, signed, { key, dsaEncoding: 'der' }, footer.subarray(2));
  } catch {
    ok = false;
  }
  if (!ok) refuse('SIGNATURE_INVALID', 'the ECDSA signature does not verify');
}

/** A fresh signing key pair, its public key as the context value (base64 compressed point), and its signer. */
export interface SigningKey {
  privateKey: KeyObject;
  publicKeyBase64: string;
  /** What signs: @das/p384's native signer for P-384 where its addon is built, else node:crypto. */
  backend: P384Backend;
  /** The DER ECDSA signature of `data` under the suite's hash. */
  sign(data: Uint8Array): Buffer;
}

export function generateSigningKey(signature: SuiteSignature): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: signature.curve });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const size = SPKI_PREFIXES[signature.curve].coordinateBytes;
  const x = spki.subarray(spki.length - 2 * size, spki.length - size);
  const yLast = spki[spki.length - 1] ?? 0;
  const compressed = Buffer.concat([Buffer.from([0x02 | (yLast & 1)]), x]);
  const publicKeyBase64 = compressed.toString('base64');
  if (signature.curve === 'secp384r1' && signature.hash === 'sha384') {
    // The P-384 signature was a fifth of a captured event's CPU with OpenSSL 3.0 (packages/p384).
    const signer = p384SigningKey(privateKey);
    return { privateKey, publicKeyBase64, backend: signer.backend, sign: signer.sign };
  }
  return { privateKey, publicKeyBase64, backend: 'node:crypto', sign: (data) => sign(signature.hash, data, { key: privateKey, dsaEncoding: 'der' }) };
}

/** The footer for `signed`: signature length ‖ DER signature. */
export function signFooter(key: SigningKey, signed: Buffer): Buffer {
  const signature = key.sign(signed);
  const length = Buffer.allocUnsafe(2);
  length.writeUInt16BE(signature.length, 0);
  return Buffer.concat([length, signature]);
}
