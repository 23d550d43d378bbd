import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  ListAliasesCommand,
  ListKeysCommand,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
  type AliasListEntry,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import type { CreateKeyBody, CreateKeyResult, KeyDeletion, KeySummary } from '@das/contracts';
import { kmsAliasName, LAB_KEY_DESCRIPTION } from '@das/contracts';
import type { AwsClients } from '../aws-clients.js';
import { ApiError, aws, mapAwsError } from '../errors.js';
import { buildKeyPolicy, partitionOf } from './key-policy.js';

type Kms = AwsClients['kms'];

const iso = (date: Date | undefined) => (date ? date.toISOString() : undefined);

/** The contract's view of a KMS key. */
export function toKeySummary(meta: KeyMetadata, aliases: readonly string[]): KeySummary {
  const keySpec = meta.KeySpec ?? meta.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT';
  const state = meta.KeyState ?? (meta.Enabled ? 'Enabled' : 'Disabled');
  const keyManager = meta.KeyManager ?? 'CUSTOMER';
  return {
    keyId: meta.KeyId ?? '',
    arn: meta.Arn ?? '',
    aliases: [...aliases].sort(),
    description: meta.Description ?? '',
    state,
    enabled: meta.Enabled ?? state === 'Enabled',
    keySpec,
    keyManager,
    ...(meta.CreationDate ? { createdAt: iso(meta.CreationDate) } : {}),
    ...(meta.DeletionDate ? { deletionDate: iso(meta.DeletionDate) } : {}),
    usableForDas: keyManager === 'CUSTOMER' && keySpec === 'SYMMETRIC_DEFAULT' && (meta.KeyUsage ?? 'ENCRYPT_DECRYPT') === 'ENCRYPT_DECRYPT' && state === 'Enabled',
  };
}

async function allAliases(kms: Kms, keyId?: string): Promise<AliasListEntry[]> {
  const aliases: AliasListEntry[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 100; page++) {
    const out = await aws(kms.send(new ListAliasesCommand({ Limit: 100, Marker: marker, ...(keyId ? { KeyId: keyId } : {}) })));
    aliases.push(...(out.Aliases ?? []));
    if (!out.Truncated || !out.NextMarker) break;
    marker = out.NextMarker;
  }
  return aliases;
}

async function describe(kms: Kms, keyId: string): Promise<KeyMetadata> {
  const out = await aws(kms.send(new DescribeKeyCommand({ KeyId: keyId })));
  if (!out.KeyMetadata) throw new ApiError(502, 'AWS_ERROR', 'DescribeKey answered without KeyMetadata');
  return out.KeyMetadata;
}

/** Describes one key (id, ARN or alias) with its aliases. */
export async function getKey(kms: Kms, keyId: string): Promise<KeySummary> {
  const meta = await describe(kms, keyId);
  const aliases = await allAliases(kms, meta.KeyId);
  return toKeySummary(meta, aliases.filter((a) => a.TargetKeyId === meta.KeyId).map((a) => a.AliasName ?? ''));
}

/** DescribeKey calls in flight while listing: quick for big accounts, gentle on KMS quotas. */
const DESCRIBE_CONCURRENCY = 8;

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Customer managed symmetric keys, the only kind DAS accepts, with their aliases and state. */
export async function listKeys(kms: Kms): Promise<KeySummary[]> {
  const ids: string[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 100; page++) {
    const out = await aws(kms.send(new ListKeysCommand({ Limit: 1000, Marker: marker })));
    ids.push(...(out.Keys ?? []).map((k) => k.KeyId ?? '').filter(Boolean));
    if (!out.Truncated || !out.NextMarker) break;
    marker = out.NextMarker;
  }
  const aliasesByKey = new Map<string, string[]>();
  for (const alias of await allAliases(kms)) {
    if (!alias.TargetKeyId || !alias.AliasName) continue;
    aliasesByKey.set(alias.TargetKeyId, [...(aliasesByKey.get(alias.TargetKeyId) ?? []), alias.AliasName]);
  }
  const described = await mapLimited(ids, DESCRIBE_CONCURRENCY, async (id) => toKeySummary(await describe(kms, id), aliasesByKey.get(id) ?? []));
  const keys = described.filter((summary) => summary.keyManager === 'CUSTOMER' && summary.keySpec === 'SYMMETRIC_DEFAULT');
  return keys.sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.keyId.localeCompare(b.keyId));
}

/**
 * The account (and partition) the KMS client works in, read from an alias or key ARN: real
 * accounts always list the AWS managed aliases. Undefined in an empty emulator.
 */
async function discoverAccount(kms: Kms): Promise<{ accountId: string; partition: string } | undefined> {
  const fromArn = (arn: string | undefined) => {
    const parts = arn?.split(':') ?? [];
    return parts.length > 5 && /^\d{12}$/.test(parts[4] ?? '') ? { accountId: parts[4] ?? '', partition: parts[1] ?? 'aws' } : undefined;
  };
  const aliases = await aws(kms.send(new ListAliasesCommand({ Limit: 10 })));
  const viaAlias = aliases.Aliases?.map((alias) => fromArn(alias.AliasArn)).find(Boolean);
  if (viaAlias) return viaAlias;
  const keys = await aws(kms.send(new ListKeysCommand({ Limit: 1 })));
  return fromArn(keys.Keys?.[0]?.KeyArn);
}

/**
 * Creates a symmetric customer managed key with the lab's policy and alias. With administrators,
 * the policy (account root + administrators) goes into CreateKey itself when the account is
 * known from an existing ARN, so KMS checks it atomically; otherwise the key is created with
 * KMS's default policy (the root statement) and the full policy is put on it right after. If a
 * later step fails the new key is scheduled for deletion, so a failed request leaves nothing
 * usable behind.
 */
export async function createKey(kms: Kms, body: CreateKeyBody): Promise<CreateKeyResult> {
  const alias = kmsAliasName(body.alias);
  const taken = await kms.send(new DescribeKeyCommand({ KeyId: alias })).then(
    () => true,
    (error: unknown) => {
      if ((error as { name?: string }).name === 'NotFoundException') return false;
      throw mapAwsError(error);
    },
  );
  if (taken) throw new ApiError(409, 'ALREADY_EXISTS', `the alias ${alias} is already in use`, { field: '/body/alias' });

  const administrators = body.keyAdministrators ?? [];
  const account = administrators.length > 0 ? await discoverAccount(kms) : undefined;
  const upfrontPolicy = account ? buildKeyPolicy(account.accountId, administrators, account.partition) : undefined;
  const created = await aws(
    kms.send(
      new CreateKeyCommand({
        Description: body.description ?? LAB_KEY_DESCRIPTION,
        KeySpec: 'SYMMETRIC_DEFAULT',
        KeyUsage: 'ENCRYPT_DECRYPT',
        ...(upfrontPolicy ? { Policy: upfrontPolicy } : {}),
        Tags: [{ TagKey: 'created-by', TagValue: 'das-toolkit' }],
      }),
    ),
  );
  const meta = created.KeyMetadata;
  if (!meta?.KeyId) throw new ApiError(502, 'AWS_ERROR', 'CreateKey answered without a key id');
  const policy = buildKeyPolicy(meta.AWSAccountId ?? meta.Arn?.split(':')[4] ?? '', administrators, partitionOf(meta.Arn));
  try {
    if (administrators.length > 0 && !upfrontPolicy) {
      await aws(kms.send(new PutKeyPolicyCommand({ KeyId: meta.KeyId, PolicyName: 'default', Policy: policy })));
    }
    await aws(kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: meta.KeyId })));
  } catch (error) {
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: meta.KeyId, PendingWindowInDays: 7 })).catch(() => undefined);
    throw error;
  }
  return { key: toKeySummary(meta, [alias]), policy };
}

/** Schedules deletion (7–30 days); KMS keeps the key usable for nothing meanwhile. */
export async function scheduleKeyDeletion(kms: Kms, keyId: string, pendingWindowInDays = 30): Promise<KeyDeletion> {
  const out = await aws(kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: pendingWindowInDays })));
  return {
    keyId: out.KeyId ?? keyId,
    state: out.KeyState ?? 'PendingDeletion',
    ...(out.DeletionDate ? { deletionDate: out.DeletionDate.toISOString() } : {}),
    pendingWindowInDays: out.PendingWindowInDays ?? pendingWindowInDays,
  };
}

/** Cancels a scheduled deletion; KMS leaves the key Disabled (enable it before using it). */
export async function cancelKeyDeletion(kms: Kms, keyId: string): Promise<KeySummary> {
  const out = await aws(kms.send(new CancelKeyDeletionCommand({ KeyId: keyId })));
  return getKey(kms, out.KeyId ?? keyId);
}
