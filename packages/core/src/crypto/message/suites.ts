// The AWS Encryption SDK algorithm suites (spec framework/algorithm-suites.md): every suite the
// SDK decrypts under CommitmentPolicy FORBID_ENCRYPT_ALLOW_DECRYPT.

/** One algorithm suite: cipher, key derivation, signature and the message format it implies. */
export interface MessageSuite {
  id: number;
  /** Message format version: 1 (non-committing suites) or 2 (key-committing suites). */
  messageFormat: 1 | 2;
  cipher: 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm';
  keyBytes: 16 | 24 | 32;
  /** HKDF hash; undefined = the data key is the content key (the legacy NO_KDF suites). */
  kdfHash: 'sha256' | 'sha384' | 'sha512' | undefined;
  /** ECDSA curve (OpenSSL name) and hash of the footer signature; undefined = unsigned. */
  signature: { curve: 'prime256v1' | 'secp384r1'; hash: 'sha256' | 'sha384' } | undefined;
  /** v2 suites carry a 32-byte key commitment in the header (HKDF-SHA512, salt = message id). */
  committing: boolean;
}

/** Both formats: 12-byte IVs, 16-byte GCM tags. */
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
/** v2: bytes of the key commitment (the header's suite data) and of the message id. */
export const COMMITMENT_BYTES = 32;
export const MESSAGE_ID_BYTES = { 1: 16, 2: 32 } as const;

const P256 = { curve: 'prime256v1', hash: 'sha256' } as const;
const P384 = { curve: 'secp384r1', hash: 'sha384' } as const;

function suite(id: number, keyBytes: 16 | 24 | 32, kdfHash: MessageSuite['kdfHash'], signature: MessageSuite['signature']): MessageSuite {
  const committing = id >= 0x0478;
  return { id, messageFormat: committing ? 2 : 1, cipher: `aes-${keyBytes * 8}-gcm` as MessageSuite['cipher'], keyBytes, kdfHash, signature, committing };
}

const SUITES: readonly MessageSuite[] = [
  suite(0x0014, 16, undefined, undefined),
  suite(0x0046, 24, undefined, undefined),
  suite(0x0078, 32, undefined, undefined),
  suite(0x0114, 16, 'sha256', undefined),
  suite(0x0146, 24, 'sha256', undefined),
  suite(0x0178, 32, 'sha256', undefined),
  suite(0x0214, 16, 'sha256', P256),
  suite(0x0346, 24, 'sha384', P384),
  suite(0x0378, 32, 'sha384', P384),
  suite(0x0478, 32, 'sha512', undefined),
  suite(0x0578, 32, 'sha512', P384),
];

const BY_ID = new Map(SUITES.map((s) => [s.id, s]));

/** Every suite, by id. */
export const ALL_SUITE_IDS: readonly number[] = SUITES.map((s) => s.id);

/** The suite with this id in this message format, or undefined (unknown, or the other format's). */
export function suiteFor(id: number, messageFormat: 1 | 2): MessageSuite | undefined {
  const found = BY_ID.get(id);
  return found?.messageFormat === messageFormat ? found : undefined;
}
