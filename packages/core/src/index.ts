// @das/core (Node): everything from @das/core/browser plus KMS, the data-key cache and the
// AWS Encryption SDK decryption/encryption of DAS records.
export * from './browser.js';
export { createDataKeyCache, type DataKeyCache, type DataKeyCacheOptions } from './crypto/data-key-cache.js';
export {
  decryptRecord,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_MAX_RECORD_BYTES,
  type DecryptContext,
  type DecryptedRecord,
  type DecryptOptions,
  type KmsDataKeySource,
  type ResolverDataKeySource,
} from './crypto/decrypt-record.js';
export { createDataKeyResolver, type DecryptEngine } from './crypto/decrypt-steps.js';
export { createRecordSigningKey, encryptPayloadJson, encryptPayloadJsonFast, encryptRecord, encryptRecordFast, type EncryptContext } from './crypto/encrypt-record.js';
export { PayloadJsonWriter, type PayloadHead } from './crypto/payload-json.js';
export { AuroraMysqlEvent, type AuroraMysqlEventFields } from './crypto/aurora-mysql-event.js';
export { AuroraPostgresEvent, type AuroraPostgresEventFields } from './crypto/aurora-postgres-event.js';
export type { SigningKey } from './crypto/message/signature.js';
export { decryptMessageFast, type FastDecryptResult } from './crypto/message/decrypt-message.js';
export { encryptMessageFast, type EncryptMessageOptions } from './crypto/message/encrypt-message.js';
export type { EsdkSuite } from './crypto/esdk.js';
export { classifyKmsError, encryptionContextFor, kmsPortFromClient, type KmsPort } from './crypto/kms-port.js';
// Worker threads that run built JS (the capture's and the worker's decryption threads).
export { startBuiltThread, threadExecArgv } from './threads/built-thread.js';
