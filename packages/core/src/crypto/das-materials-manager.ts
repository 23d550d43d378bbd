import { createPublicKey, ECDH } from 'node:crypto';
import { VerificationKey } from '@aws-crypto/material-management';
import {
  NodeDecryptionMaterial,
  NodeDefaultCryptographicMaterialsManager,
  type EncryptionContext,
  type NodeAlgorithmSuite,
} from '@aws-crypto/client-node';

/** Where the ESDK keeps a signed message's public key (das-format.md §6.6). */
const SIGNER_KEY = 'aws-crypto-public-key';
/** DER SubjectPublicKeyInfo headers for an uncompressed point (id-ecPublicKey + curve OID). */
const SPKI_PREFIXES: Record<string, Buffer> = {
  secp384r1: Buffer.from('3076301006072a8648ce3d020106052b81040022036200', 'hex'),
  prime256v1: Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex'),
};

type VerificationPublicKey = ConstructorParameters<typeof VerificationKey>[0];

/**
 * The SDK's default materials manager, except that the ECDSA public key of a signed message
 * (suite 0x0378) is decompressed by OpenSSL rather than the SDK's bn.js code, which costs ~4 ms
 * per record, more than all the rest of a decryption. Keyring use, checks and signature
 * verification stay the SDK's.
 */
export class DasMaterialsManager extends NodeDefaultCryptographicMaterialsManager {
  override _initializeDecryptionMaterial(suite: NodeAlgorithmSuite, encryptionContext: EncryptionContext): NodeDecryptionMaterial {
    const curve = suite.signatureCurve;
    const spkiPrefix = curve === undefined ? undefined : SPKI_PREFIXES[curve];
    if (curve === undefined || spkiPrefix === undefined) return super._initializeDecryptionMaterial(suite, encryptionContext);
    const compressed = encryptionContext[SIGNER_KEY];
    if (typeof compressed !== 'string' || compressed === '') throw new Error('Context does not contain required public key.');
    // Throws when the bytes are no point on the curve.
    const point = ECDH.convertKey(Buffer.from(compressed, 'base64'), curve, undefined, undefined, 'uncompressed') as Buffer;
    // DER SPKI is the cheapest form for OpenSSL to import (JWK costs three times as much).
    const publicKey = createPublicKey({ key: Buffer.concat([spkiPrefix, point]), format: 'der', type: 'spki' });
    // A KeyObject is passed to crypto.Verify as is (VerificationKey only re-encodes byte arrays).
    const verificationKey = new VerificationKey(publicKey as unknown as VerificationPublicKey, suite);
    return new NodeDecryptionMaterial(suite, encryptionContext).setVerificationKey(verificationKey);
  }
}
