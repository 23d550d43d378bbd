import Type from 'typebox';
import { LAB_KEY_ALIAS, LAB_KEY_DESCRIPTION } from '../lab.js';


/** KMS key states (DescribeKey `KeyState`). */
export const KeyStateSchema = Type.Union(
  ['Creating', 'Enabled', 'Disabled', 'PendingDeletion', 'PendingImport', 'PendingReplicaDeletion', 'Unavailable', 'Updating'].map(
    (state) => Type.Literal(state),
  ),
);

/** An IAM principal ARN that becomes a key administrator (user, role, or account root). */
export const PrincipalArnSchema = Type.String({
  pattern: '^arn:aws[a-z-]*:iam::[0-9]{12}:(root|(user|role)/[A-Za-z0-9+=,.@_/-]{1,512})$',
  maxLength: 1024,
  description: 'IAM principal ARN, e.g. arn:aws:iam::111122223333:role/TeamRole',
});

export const CreateKeyBodySchema = Type.Object(
  {
    alias: Type.String({
      minLength: 1,
      maxLength: 250,
      pattern: '^(?!(alias/)?aws/)(alias/)?[A-Za-z0-9/_-]+$',
      description: 'Alias name, with or without the `alias/` prefix; `alias/aws/` is reserved',
      examples: [LAB_KEY_ALIAS],
    }),
    description: Type.Optional(Type.String({ maxLength: 8192, default: LAB_KEY_DESCRIPTION })),
    keyAdministrators: Type.Optional(
      Type.Array(PrincipalArnSchema, { maxItems: 20, description: 'Principals that may administer (not use) the key' }),
    ),
  },
  { additionalProperties: false },
);
export type CreateKeyBody = Type.Static<typeof CreateKeyBodySchema>;

/** A customer managed symmetric KMS key as the lab needs to see it. */
export const KeySummarySchema = Type.Object({
  keyId: Type.String(),
  arn: Type.String(),
  aliases: Type.Array(Type.String({ description: 'Alias names, e.g. alias/auroralab-mysql-das' })),
  description: Type.String(),
  state: Type.String({ description: 'KMS KeyState: Enabled, Disabled, PendingDeletion, …' }),
  enabled: Type.Boolean(),
  keySpec: Type.String(),
  keyManager: Type.String({ description: 'CUSTOMER for keys you can use for DAS' }),
  createdAt: Type.Optional(Type.String({ description: 'ISO 8601' })),
  deletionDate: Type.Optional(Type.String({ description: 'ISO 8601; set while PendingDeletion' })),
  usableForDas: Type.Boolean({ description: 'Customer managed, symmetric, ENCRYPT_DECRYPT and Enabled' }),
});
export type KeySummary = Type.Static<typeof KeySummarySchema>;

export const CreateKeyResultSchema = Type.Object({
  key: KeySummarySchema,
  policy: Type.String({ description: 'The key policy JSON that was applied' }),
});
export type CreateKeyResult = Type.Static<typeof CreateKeyResultSchema>;

export const KeyListSchema = Type.Object({ keys: Type.Array(KeySummarySchema) });
export type KeyList = Type.Static<typeof KeyListSchema>;

export const KeyIdParamsSchema = Type.Object({
  keyId: Type.String({
    minLength: 1,
    maxLength: 2048,
    pattern: '^[A-Za-z0-9:/_-]+$',
    description: 'Key id, key ARN, alias name (alias/…) or alias ARN',
  }),
});
export type KeyIdParams = Type.Static<typeof KeyIdParamsSchema>;

const PendingWindowSchema = Type.Integer({ minimum: 7, maximum: 30, description: 'Days before KMS deletes the key (7–30, default 30)' });

/** `DELETE /keys/:keyId` takes the window in the query or in a JSON body. */
export const ScheduleKeyDeletionQuerySchema = Type.Object(
  { pendingWindowInDays: Type.Optional(PendingWindowSchema) },
  { additionalProperties: false },
);
export type ScheduleKeyDeletionQuery = Type.Static<typeof ScheduleKeyDeletionQuerySchema>;
export const ScheduleKeyDeletionBodySchema = Type.Object(
  { pendingWindowInDays: Type.Optional(PendingWindowSchema) },
  { additionalProperties: false },
);
export type ScheduleKeyDeletionBody = Type.Static<typeof ScheduleKeyDeletionBodySchema>;

export const KeyDeletionSchema = Type.Object({
  keyId: Type.String(),
  state: Type.String(),
  deletionDate: Type.Optional(Type.String({ description: 'ISO 8601' })),
  pendingWindowInDays: Type.Optional(Type.Integer()),
});
export type KeyDeletion = Type.Static<typeof KeyDeletionSchema>;
