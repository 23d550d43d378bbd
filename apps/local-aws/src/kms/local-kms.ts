import { randomBytes } from 'node:crypto';
import { AwsServiceError } from '../protocol/aws-error.js';
import { blobKeyId, openBlob, sealBlob, type EncryptionContext } from './ciphertext-blob.js';
import type { KmsAliasRecord, KmsKeyRecord, KmsKeyStore, KmsTag } from './kms-key-store.js';

const ALIAS_PATTERN = /^[a-zA-Z0-9/_-]+$/;
const DAY_MS = 86_400_000;

export interface KmsScope {
  region: string;
  accountId: string;
}

/** How a caller may name a key: some operations accept aliases, the lifecycle ones do not. */
type KeyNaming = 'any' | 'key-only';

/**
 * The emulated KMS: symmetric customer managed keys with real AES-256-GCM, aliases, the
 * Enabled/Disabled/PendingDeletion life cycle. Used by the JSON service and in process.
 */
export class LocalKms {
  constructor(
    private readonly store: KmsKeyStore,
    readonly scope: KmsScope,
  ) {}

  keyArn(keyId: string): string {
    return `arn:aws:kms:${this.scope.region}:${this.scope.accountId}:key/${keyId}`;
  }

  aliasArn(aliasName: string): string {
    return `arn:aws:kms:${this.scope.region}:${this.scope.accountId}:${aliasName}`;
  }

  async createKey(fields: { description?: string; policy?: string; tags?: KmsTag[] }): Promise<KmsKeyRecord> {
    return this.store.createKey({
      description: fields.description ?? '',
      policy: fields.policy ?? this.defaultPolicy(),
      tags: fields.tags ?? [],
    });
  }

  listKeys(): KmsKeyRecord[] {
    this.purgeExpired();
    return [...this.store.keys.values()].sort((a, b) => a.creationDate - b.creationDate || a.keyId.localeCompare(b.keyId));
  }

  listAliases(): KmsAliasRecord[] {
    this.purgeExpired();
    return [...this.store.aliases.values()].sort((a, b) => a.aliasName.localeCompare(b.aliasName));
  }

  /** Finds a key by id, key ARN, alias name or alias ARN; NotFoundException otherwise. */
  resolve(keyId: string, naming: KeyNaming = 'any'): KmsKeyRecord {
    this.purgeExpired();
    let id = keyId;
    if (keyId.startsWith('arn:')) {
      const match = /^arn:aws[a-z-]*:kms:([^:]*):([^:]*):(key\/.+|alias\/.+)$/.exec(keyId);
      if (!match) throw new AwsServiceError('InvalidArnException', `'${keyId}' is not a valid KMS key or alias ARN.`);
      if (match[1] !== this.scope.region || match[2] !== this.scope.accountId) throw this.notFound(keyId);
      id = match[3]!.startsWith('key/') ? match[3]!.slice(4) : match[3]!;
    }
    if (id.startsWith('alias/')) {
      if (naming === 'key-only') throw new AwsServiceError('NotFoundException', `Alias '${keyId}' cannot be used here; give the key id or key ARN.`, 404);
      const alias = this.store.aliases.get(id);
      const key = alias ? this.store.keys.get(alias.targetKeyId) : undefined;
      if (!key) throw new AwsServiceError('NotFoundException', `Alias ${this.aliasArn(id)} is not found.`, 404);
      return key;
    }
    const key = this.store.keys.get(id);
    if (!key) throw this.notFound(keyId);
    return key;
  }

  /** Throws the error AWS gives when a key cannot be used for cryptography in its state. */
  assertUsable(key: KmsKeyRecord): void {
    if (key.keyState === 'Disabled') throw new AwsServiceError('DisabledException', `${this.keyArn(key.keyId)} is disabled.`, 409);
    if (key.keyState === 'PendingDeletion') {
      throw new AwsServiceError('KMSInvalidStateException', `${this.keyArn(key.keyId)} is pending deletion.`, 409);
    }
  }

  encrypt(keyIdOrAlias: string, plaintext: Uint8Array, context: EncryptionContext | undefined): { key: KmsKeyRecord; blob: Buffer } {
    const key = this.resolve(keyIdOrAlias);
    this.assertUsable(key);
    return { key, blob: sealBlob(key.keyId, this.store.materialOf(key.keyId), plaintext, context) };
  }

  decrypt(blob: Uint8Array, context: EncryptionContext | undefined, expectedKeyId?: string): { key: KmsKeyRecord; plaintext: Buffer } {
    this.purgeExpired();
    const keyId = blobKeyId(blob);
    const key = keyId ? this.store.keys.get(keyId) : undefined;
    if (!key) throw new AwsServiceError('InvalidCiphertextException', 'The ciphertext is invalid or was not produced by this KMS.');
    if (expectedKeyId !== undefined && this.resolve(expectedKeyId).keyId !== key.keyId) {
      throw new AwsServiceError('IncorrectKeyException', 'The key ID in the request does not identify the key that encrypted the ciphertext.');
    }
    this.assertUsable(key);
    const plaintext = openBlob(blob, this.store.materialOf(key.keyId), context);
    if (!plaintext) throw new AwsServiceError('InvalidCiphertextException', 'The ciphertext was altered or the encryption context does not match.');
    return { key, plaintext };
  }

  generateDataKey(keyIdOrAlias: string, bytes: number, context: EncryptionContext | undefined): { key: KmsKeyRecord; plaintext: Buffer; blob: Buffer } {
    const plaintext = randomBytes(bytes);
    const { key, blob } = this.encrypt(keyIdOrAlias, plaintext, context);
    return { key, plaintext, blob };
  }

  async setEnabled(keyIdOrArn: string, enabled: boolean): Promise<void> {
    const key = this.resolve(keyIdOrArn, 'key-only');
    if (key.keyState === 'PendingDeletion') {
      throw new AwsServiceError('KMSInvalidStateException', `${this.keyArn(key.keyId)} is pending deletion.`, 409);
    }
    key.keyState = enabled ? 'Enabled' : 'Disabled';
    await this.store.save();
  }

  async scheduleDeletion(keyIdOrArn: string, pendingWindowInDays: number): Promise<KmsKeyRecord> {
    const key = this.resolve(keyIdOrArn, 'key-only');
    if (key.keyState === 'PendingDeletion') {
      throw new AwsServiceError('KMSInvalidStateException', `${this.keyArn(key.keyId)} is pending deletion.`, 409);
    }
    key.keyState = 'PendingDeletion';
    key.pendingWindowInDays = pendingWindowInDays;
    key.deletionDate = Date.now() + pendingWindowInDays * DAY_MS;
    await this.store.save();
    return key;
  }

  async cancelDeletion(keyIdOrArn: string): Promise<KmsKeyRecord> {
    const key = this.resolve(keyIdOrArn, 'key-only');
    if (key.keyState !== 'PendingDeletion') {
      throw new AwsServiceError('KMSInvalidStateException', `${this.keyArn(key.keyId)} is not pending deletion.`, 409);
    }
    // As on AWS, a key whose deletion is cancelled comes back Disabled.
    key.keyState = 'Disabled';
    delete key.deletionDate;
    delete key.pendingWindowInDays;
    await this.store.save();
    return key;
  }

  /** Replaces the key policy (kept verbatim); a key pending deletion cannot be changed. */
  async putPolicy(keyIdOrArn: string, policy: string): Promise<void> {
    const key = this.resolve(keyIdOrArn, 'key-only');
    if (key.keyState === 'PendingDeletion') {
      throw new AwsServiceError('KMSInvalidStateException', `${this.keyArn(key.keyId)} is pending deletion.`, 409);
    }
    key.policy = policy;
    await this.store.save();
  }

  async createAlias(aliasName: string, targetKeyId: string): Promise<void> {
    this.assertAliasName(aliasName);
    const key = this.resolve(targetKeyId, 'key-only');
    if (key.keyState === 'PendingDeletion') {
      throw new AwsServiceError('KMSInvalidStateException', `${this.keyArn(key.keyId)} is pending deletion.`, 409);
    }
    if (this.store.aliases.has(aliasName)) {
      throw new AwsServiceError('AlreadyExistsException', `An alias with the name ${this.aliasArn(aliasName)} already exists`, 409);
    }
    const now = Date.now();
    this.store.aliases.set(aliasName, { aliasName, targetKeyId: key.keyId, creationDate: now, lastUpdatedDate: now });
    await this.store.save();
  }

  async deleteAlias(aliasName: string): Promise<void> {
    this.assertAliasName(aliasName);
    if (!this.store.aliases.delete(aliasName)) throw new AwsServiceError('NotFoundException', `Alias ${this.aliasArn(aliasName)} is not found.`, 404);
    await this.store.save();
  }

  private assertAliasName(aliasName: string): void {
    if (aliasName.length < 1 || aliasName.length > 256 || !ALIAS_PATTERN.test(aliasName)) {
      throw new AwsServiceError(
        'ValidationException',
        `1 validation error detected: Value '${aliasName}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$ and length 1-256`,
      );
    }
    if (!aliasName.startsWith('alias/') || aliasName.length === 'alias/'.length) {
      throw new AwsServiceError('InvalidAliasNameException', `Alias name '${aliasName}' must begin with 'alias/' followed by a name.`);
    }
    if (aliasName.startsWith('alias/aws/')) {
      throw new AwsServiceError('InvalidAliasNameException', `Alias name '${aliasName}' is reserved: 'alias/aws/' names belong to AWS managed keys.`);
    }
  }

  private notFound(keyId: string): AwsServiceError {
    const arn = keyId.startsWith('arn:') ? keyId : this.keyArn(keyId);
    return new AwsServiceError('NotFoundException', `Key '${arn}' does not exist`, 404);
  }

  /** Keys whose waiting period ended are gone, as on AWS. */
  private purgeExpired(): void {
    const now = Date.now();
    for (const key of this.store.keys.values()) {
      if (key.keyState === 'PendingDeletion' && key.deletionDate !== undefined && key.deletionDate <= now) {
        this.store.deleteKey(key.keyId).catch(() => undefined);
      }
    }
  }

  private defaultPolicy(): string {
    return JSON.stringify({
      Version: '2012-10-17',
      Id: 'key-default-1',
      Statement: [
        {
          Sid: 'Enable IAM User Permissions',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${this.scope.accountId}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
      ],
    });
  }
}
