import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';

/** DAS messages carry one `BC`/`DataKey` EDK; refuse messages that claim many (a cheap DoS). */
const MAX_ENCRYPTED_DATA_KEYS = 4;

/**
 * One ESDK client for the process. FORBID_ENCRYPT_ALLOW_DECRYPT: DAS uses non-committing v1
 * suites (0x0378, 0x0178), which the ESDK 2+ default policy refuses.
 */
export const esdkClient = buildClient({
  commitmentPolicy: CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT,
  maxEncryptedDataKeys: MAX_ENCRYPTED_DATA_KEYS,
});

/** ESDK suite ids for {@link EsdkSuite}. */
export const SUITE_IDS = {
  signed: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384,
  unsigned: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA256,
} as const;
export type EsdkSuite = keyof typeof SUITE_IDS;

/**
 * The raw AES keyring RDS encrypts with: namespace `BC`, name `DataKey`, the KMS data key as the
 * wrapping key. The keyring zeroes the buffer it is given and needs one with its own
 * ArrayBuffer, so it always gets a private copy.
 */
export function dasKeyring(wrappingKey: Uint8Array): RawAesKeyringNode {
  return new RawAesKeyringNode({
    keyNamespace: 'BC',
    keyName: 'DataKey',
    unencryptedMasterKey: new Uint8Array(wrappingKey),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
}
