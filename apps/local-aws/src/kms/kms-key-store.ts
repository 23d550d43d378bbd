import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonFile, SerialWriter, writeFileAtomic } from '@das/capture';

export type KmsKeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

export interface KmsTag {
  TagKey: string;
  TagValue: string;
}

/** A customer managed symmetric key, without its material. */
export interface KmsKeyRecord {
  keyId: string;
  /** Epoch milliseconds. */
  creationDate: number;
  description: string;
  keyState: KmsKeyState;
  /** Kept verbatim as given to CreateKey (or the default policy). */
  policy: string;
  tags: KmsTag[];
  deletionDate?: number;
  pendingWindowInDays?: number;
}

export interface KmsAliasRecord {
  aliasName: string;
  targetKeyId: string;
  creationDate: number;
  lastUpdatedDate: number;
}

interface KmsStateFile {
  version: 1;
  keys: KmsKeyRecord[];
  aliases: KmsAliasRecord[];
}

/**
 * Keys and aliases on disk: `<dir>/state.json` (metadata, atomic rewrite) and
 * `<dir>/material/<keyId>.key` (32 raw bytes, mode 0600, written before the key is listed).
 */
export class KmsKeyStore {
  readonly keys = new Map<string, KmsKeyRecord>();
  readonly aliases = new Map<string, KmsAliasRecord>();
  private readonly material = new Map<string, Buffer>();
  private readonly writer = new SerialWriter();

  private constructor(private readonly dir: string) {}

  static async open(dir: string): Promise<KmsKeyStore> {
    const store = new KmsKeyStore(dir);
    const state = await readJsonFile<KmsStateFile>(join(dir, 'state.json'));
    for (const key of state?.keys ?? []) {
      const material = await readFile(store.materialPath(key.keyId)).catch(() => undefined);
      if (material?.length !== 32) throw new Error(`KMS key ${key.keyId} has no usable material in ${dir}/material.`);
      store.keys.set(key.keyId, key);
      store.material.set(key.keyId, material);
    }
    for (const alias of state?.aliases ?? []) store.aliases.set(alias.aliasName, alias);
    return store;
  }

  materialOf(keyId: string): Buffer {
    const material = this.material.get(keyId);
    if (!material) throw new Error(`no material for key ${keyId}`);
    return material;
  }

  async createKey(fields: Pick<KmsKeyRecord, 'description' | 'policy' | 'tags'>): Promise<KmsKeyRecord> {
    const keyId = randomUUID();
    const material = randomBytes(32);
    await writeFileAtomic(this.materialPath(keyId), material, 0o600);
    const record: KmsKeyRecord = { keyId, creationDate: Date.now(), keyState: 'Enabled', ...fields };
    this.keys.set(keyId, record);
    this.material.set(keyId, material);
    await this.save();
    return record;
  }

  /** Removes a key whose deletion date has passed, with its aliases and material. */
  async deleteKey(keyId: string): Promise<void> {
    this.keys.delete(keyId);
    this.material.delete(keyId);
    for (const [name, alias] of this.aliases) if (alias.targetKeyId === keyId) this.aliases.delete(name);
    await this.save();
    await rm(this.materialPath(keyId), { force: true });
  }

  /** Persists the current metadata (call after mutating records or aliases). */
  save(): Promise<void> {
    const state: KmsStateFile = { version: 1, keys: [...this.keys.values()], aliases: [...this.aliases.values()] };
    const text = JSON.stringify(state, null, 1);
    return this.writer.run(() => writeFileAtomic(join(this.dir, 'state.json'), text, 0o600));
  }

  private materialPath(keyId: string): string {
    return join(this.dir, 'material', `${keyId}.key`);
  }
}
