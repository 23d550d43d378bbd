/**
 * The key policy of a DAS key: the account root statement (IAM policies of the account decide,
 * and nobody is locked out) plus, when administrators are given, a statement that lets them
 * administer but not use the key — what the KMS console writes for "Key administrators".
 */
export function buildKeyPolicy(accountId: string, administrators: readonly string[] = [], partition = 'aws'): string {
  const statements: object[] = [
    {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
  ];
  if (administrators.length > 0) {
    statements.push({
      Sid: 'Allow access for Key Administrators',
      Effect: 'Allow',
      Principal: { AWS: [...new Set(administrators)] },
      Action: [
        'kms:Create*',
        'kms:Describe*',
        'kms:Enable*',
        'kms:List*',
        'kms:Put*',
        'kms:Update*',
        'kms:Revoke*',
        'kms:Disable*',
        'kms:Get*',
        'kms:Delete*',
        'kms:TagResource',
        'kms:UntagResource',
        'kms:ScheduleKeyDeletion',
        'kms:CancelKeyDeletion',
      ],
      Resource: '*',
    });
  }
  return JSON.stringify({ Version: '2012-10-17', Id: 'das-key-policy', Statement: statements }, null, 2);
}

/** `aws-cn` from `arn:aws-cn:kms:…`. */
export function partitionOf(arn: string | undefined): string {
  return arn?.split(':', 2)[1] || 'aws';
}
