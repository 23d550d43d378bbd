import { AwsServiceError } from '../protocol/aws-error.js';
import {
  constraintViolation,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalList,
  optionalString,
  optionalStringMap,
  requiredBlob,
  requiredString,
  validation,
} from '../protocol/json-input.js';
import { unknownOperation, type JsonService } from '../protocol/json-service.js';
import type { KmsKeyRecord, KmsTag } from './kms-key-store.js';
import type { LocalKms } from './local-kms.js';

type Input = Record<string, unknown>;

const MAX_PLAINTEXT = 4096;

// Enum shapes of the KMS model (client-kms): values outside them are ValidationExceptions.
const DATA_KEY_SPECS = ['AES_256', 'AES_128'] as const;
const KEY_SPECS = [
  'RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1', 'ECC_NIST_EDWARDS25519',
  'SYMMETRIC_DEFAULT', 'HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512', 'SM2', 'ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87',
  'ML_KEM_512', 'ML_KEM_768', 'ML_KEM_1024',
] as const;
const CUSTOMER_MASTER_KEY_SPECS = [
  'RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1',
  'SYMMETRIC_DEFAULT', 'HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512', 'SM2',
] as const;
const KEY_USAGES = ['SIGN_VERIFY', 'ENCRYPT_DECRYPT', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT', 'ENCAPSULATE_DECAPSULATE'] as const;
const ORIGINS = ['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'] as const;
const ENCRYPTION_ALGORITHMS = ['SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'SM2PKE'] as const;

/** KMS (TrentService, JSON 1.1) over the emulated key store. */
export function createKmsService(kms: LocalKms): JsonService {
  const seconds = (ms: number): number => ms / 1000;

  const keyMetadata = (key: KmsKeyRecord): Record<string, unknown> => ({
    AWSAccountId: kms.scope.accountId,
    KeyId: key.keyId,
    Arn: kms.keyArn(key.keyId),
    CreationDate: seconds(key.creationDate),
    Enabled: key.keyState === 'Enabled',
    Description: key.description,
    KeyUsage: 'ENCRYPT_DECRYPT',
    KeyState: key.keyState,
    DeletionDate: key.deletionDate === undefined ? undefined : seconds(key.deletionDate),
    PendingDeletionWindowInDays: key.pendingWindowInDays,
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    KeySpec: 'SYMMETRIC_DEFAULT',
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    MultiRegion: false,
  });

  const assertSymmetricAlgorithm = (input: Input): void => {
    const algorithm = optionalEnum(input, 'EncryptionAlgorithm', ENCRYPTION_ALGORITHMS);
    if (algorithm !== undefined && algorithm !== 'SYMMETRIC_DEFAULT') {
      throw new AwsServiceError('InvalidKeyUsageException', `Encryption algorithm ${algorithm} is not valid for a SYMMETRIC_DEFAULT key.`);
    }
  };

  const dryRun = (input: Input, operation: string): void => {
    if (optionalBoolean(input, 'DryRun')) throw new AwsServiceError('DryRunOperationException', `The ${operation} request would have succeeded.`, 412);
  };

  const dataKeyLength = (input: Input): number => {
    const keySpec = optionalEnum(input, 'KeySpec', DATA_KEY_SPECS);
    const numberOfBytes = optionalInteger(input, 'NumberOfBytes', 1, 1024);
    if ((keySpec === undefined) === (numberOfBytes === undefined)) {
      throw validation('Specify exactly one of KeySpec or NumberOfBytes.');
    }
    if (keySpec === undefined) return numberOfBytes!;
    return keySpec === 'AES_256' ? 32 : 16;
  };

  const paginate = <T>(items: T[], input: Input, defaultLimit: number, maxLimit: number): { page: T[]; next?: string } => {
    const limit = optionalInteger(input, 'Limit', 1, maxLimit) ?? defaultLimit;
    const marker = optionalString(input, 'Marker', 1024);
    let start = 0;
    if (marker !== undefined) {
      const decoded = /^m:(\d{1,9})$/.exec(Buffer.from(marker, 'base64').toString('utf8'));
      start = decoded ? Number(decoded[1]) : -1;
      if (start < 0 || start > items.length) {
        throw new AwsServiceError('InvalidMarkerException', 'The Marker is not one this KMS returned.');
      }
    }
    const page = items.slice(start, start + limit);
    const nextIndex = start + page.length;
    return { page, next: nextIndex < items.length ? Buffer.from(`m:${nextIndex}`).toString('base64') : undefined };
  };

  const handlers: Record<string, (input: Input) => unknown> = {
    async CreateKey(input) {
      const keySpec = optionalEnum(input, 'KeySpec', KEY_SPECS) ?? optionalEnum(input, 'CustomerMasterKeySpec', CUSTOMER_MASTER_KEY_SPECS) ?? 'SYMMETRIC_DEFAULT';
      const keyUsage = optionalEnum(input, 'KeyUsage', KEY_USAGES) ?? 'ENCRYPT_DECRYPT';
      const origin = optionalEnum(input, 'Origin', ORIGINS) ?? 'AWS_KMS';
      if (keySpec !== 'SYMMETRIC_DEFAULT' || keyUsage !== 'ENCRYPT_DECRYPT' || origin !== 'AWS_KMS' || optionalBoolean(input, 'MultiRegion')) {
        throw new AwsServiceError(
          'UnsupportedOperationException',
          'The local KMS supports symmetric ENCRYPT_DECRYPT keys with origin AWS_KMS in one region only.',
        );
      }
      const policy = optionalString(input, 'Policy', 32_768);
      if (policy !== undefined) assertPolicyDocument(policy);
      const key = await kms.createKey({ description: optionalString(input, 'Description', 8192), policy, tags: readTags(input) });
      return { KeyMetadata: keyMetadata(key) };
    },
    DescribeKey(input) {
      return { KeyMetadata: keyMetadata(kms.resolve(requiredString(input, 'KeyId'))) };
    },
    ListKeys(input) {
      const { page, next } = paginate(kms.listKeys(), input, 100, 1000);
      return { Keys: page.map((key) => ({ KeyId: key.keyId, KeyArn: kms.keyArn(key.keyId) })), NextMarker: next, Truncated: next !== undefined };
    },
    ListAliases(input) {
      const keyId = optionalString(input, 'KeyId');
      const targetKeyId = keyId === undefined ? undefined : kms.resolve(keyId, 'key-only').keyId;
      const aliases = kms.listAliases().filter((alias) => targetKeyId === undefined || alias.targetKeyId === targetKeyId);
      const { page, next } = paginate(aliases, input, 50, 100);
      return {
        Aliases: page.map((alias) => ({
          AliasName: alias.aliasName,
          AliasArn: kms.aliasArn(alias.aliasName),
          TargetKeyId: alias.targetKeyId,
          CreationDate: seconds(alias.creationDate),
          LastUpdatedDate: seconds(alias.lastUpdatedDate),
        })),
        NextMarker: next,
        Truncated: next !== undefined,
      };
    },
    async CreateAlias(input) {
      await kms.createAlias(requiredString(input, 'AliasName', 256), requiredString(input, 'TargetKeyId'));
      return {};
    },
    async DeleteAlias(input) {
      await kms.deleteAlias(requiredString(input, 'AliasName', 256));
      return {};
    },
    Encrypt(input) {
      const keyId = requiredString(input, 'KeyId');
      const plaintext = requiredBlob(input, 'Plaintext');
      if (plaintext.length < 1) throw constraintViolation('Plaintext', undefined, 'have length greater than or equal to 1');
      if (plaintext.length > MAX_PLAINTEXT) throw constraintViolation('Plaintext', undefined, `have length less than or equal to ${MAX_PLAINTEXT}`);
      assertSymmetricAlgorithm(input);
      const context = optionalStringMap(input, 'EncryptionContext');
      dryRun(input, 'Encrypt');
      const { key, blob } = kms.encrypt(keyId, plaintext, context);
      return { CiphertextBlob: blob.toString('base64'), KeyId: kms.keyArn(key.keyId), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
    Decrypt(input) {
      const blob = requiredBlob(input, 'CiphertextBlob');
      assertSymmetricAlgorithm(input);
      const context = optionalStringMap(input, 'EncryptionContext');
      const keyId = optionalString(input, 'KeyId');
      dryRun(input, 'Decrypt');
      const { key, plaintext } = kms.decrypt(blob, context, keyId);
      return { KeyId: kms.keyArn(key.keyId), Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
    GenerateDataKey(input) {
      const keyId = requiredString(input, 'KeyId');
      const length = dataKeyLength(input);
      const context = optionalStringMap(input, 'EncryptionContext');
      dryRun(input, 'GenerateDataKey');
      const { key, plaintext, blob } = kms.generateDataKey(keyId, length, context);
      return { CiphertextBlob: blob.toString('base64'), Plaintext: plaintext.toString('base64'), KeyId: kms.keyArn(key.keyId) };
    },
    GenerateDataKeyWithoutPlaintext(input) {
      const keyId = requiredString(input, 'KeyId');
      const length = dataKeyLength(input);
      const context = optionalStringMap(input, 'EncryptionContext');
      dryRun(input, 'GenerateDataKeyWithoutPlaintext');
      const { key, blob } = kms.generateDataKey(keyId, length, context);
      return { CiphertextBlob: blob.toString('base64'), KeyId: kms.keyArn(key.keyId) };
    },
    async EnableKey(input) {
      await kms.setEnabled(requiredString(input, 'KeyId'), true);
      return {};
    },
    async DisableKey(input) {
      await kms.setEnabled(requiredString(input, 'KeyId'), false);
      return {};
    },
    async ScheduleKeyDeletion(input) {
      const days = optionalInteger(input, 'PendingWindowInDays', 7, 30) ?? 30;
      const key = await kms.scheduleDeletion(requiredString(input, 'KeyId'), days);
      return { KeyId: kms.keyArn(key.keyId), DeletionDate: seconds(key.deletionDate!), KeyState: key.keyState, PendingWindowInDays: days };
    },
    async CancelKeyDeletion(input) {
      const key = await kms.cancelDeletion(requiredString(input, 'KeyId'));
      return { KeyId: kms.keyArn(key.keyId) };
    },
    GetKeyPolicy(input) {
      const key = kms.resolve(requiredString(input, 'KeyId'), 'key-only');
      const policyName = optionalString(input, 'PolicyName', 128) ?? 'default';
      if (policyName !== 'default') throw new AwsServiceError('NotFoundException', `Policy ${policyName} does not exist; only 'default' does.`, 404);
      return { Policy: key.policy, PolicyName: 'default' };
    },
    async PutKeyPolicy(input) {
      const keyId = requiredString(input, 'KeyId');
      const policyName = optionalString(input, 'PolicyName', 128) ?? 'default';
      if (policyName !== 'default') throw validation(`PolicyName must be 'default', got '${policyName}'.`);
      const policy = requiredString(input, 'Policy', 32_768);
      assertPolicyDocument(policy);
      await kms.putPolicy(keyId, policy);
      return {};
    },
    ListKeyPolicies(input) {
      kms.resolve(requiredString(input, 'KeyId'), 'key-only');
      return { PolicyNames: ['default'], Truncated: false };
    },
    ListResourceTags(input) {
      const key = kms.resolve(requiredString(input, 'KeyId'), 'key-only');
      const { page, next } = paginate(key.tags, input, 50, 50);
      return { Tags: page, NextMarker: next, Truncated: next !== undefined };
    },
  };

  return {
    name: 'kms',
    signingName: 'kms',
    targetPrefix: 'TrentService',
    handle(operation, input) {
      const handler = Object.hasOwn(handlers, operation) ? handlers[operation] : undefined;
      if (!handler) throw unknownOperation('KMS', operation);
      return handler(input);
    },
  };
}

/** KMS keeps policies verbatim but refuses text that is not a JSON object. */
function assertPolicyDocument(policy: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch {
    throw new AwsServiceError('MalformedPolicyDocumentException', 'The key policy is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsServiceError('MalformedPolicyDocumentException', 'The key policy must be a JSON object.');
  }
}

function readTags(input: Input): KmsTag[] {
  const tags = optionalList(input, 'Tags') ?? [];
  return tags.map((tag, index) => {
    const entry = (typeof tag === 'object' && tag !== null ? tag : {}) as Record<string, unknown>;
    if (typeof entry['TagKey'] !== 'string' || typeof entry['TagValue'] !== 'string' || entry['TagKey'].length === 0) {
      throw new AwsServiceError('TagException', `Tag ${index + 1} must have a non-empty string TagKey and a string TagValue.`);
    }
    return { TagKey: entry['TagKey'], TagValue: entry['TagValue'] };
  });
}
