import { describe, expect, it } from 'vitest';
import { buildKeyPolicy, partitionOf } from './key-policy.js';

describe('buildKeyPolicy', () => {
  it('always grants the account root, so IAM decides and nobody is locked out', () => {
    const policy = JSON.parse(buildKeyPolicy('111122223333'));
    expect(policy.Version).toBe('2012-10-17');
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0]).toMatchObject({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*' });
  });

  it('adds one administrators statement that can manage but not use the key', () => {
    const admins = ['arn:aws:iam::111122223333:role/TeamRole', 'arn:aws:iam::111122223333:role/OpsRole', 'arn:aws:iam::111122223333:role/TeamRole'];
    const policy = JSON.parse(buildKeyPolicy('111122223333', admins, 'aws-cn'));
    expect(policy.Statement[0].Principal.AWS).toBe('arn:aws-cn:iam::111122223333:root');
    const adminStatement = policy.Statement[1];
    expect(adminStatement.Principal.AWS).toEqual(admins.slice(0, 2));
    expect(adminStatement.Action).toContain('kms:ScheduleKeyDeletion');
    expect(adminStatement.Action).not.toContain('kms:Decrypt');
    expect(adminStatement.Action).not.toContain('kms:GenerateDataKey*');
  });

  it('reads the partition of an ARN', () => {
    expect(partitionOf('arn:aws-us-gov:kms:us-gov-west-1:1:key/x')).toBe('aws-us-gov');
    expect(partitionOf(undefined)).toBe('aws');
  });
});
