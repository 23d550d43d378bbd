import { describe, expect, it } from 'vitest';
import { credentialScopeService } from './sigv4-scope.js';

describe('credentialScopeService', () => {
  it('reads the service from the Authorization header or a presigned query', () => {
    expect(credentialScopeService({ authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=x' }, '/')).toBe('kinesis');
    expect(credentialScopeService({}, '/?X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Frds%2Faws4_request')).toBe('rds');
    expect(credentialScopeService({ authorization: 'Bearer token' }, '/')).toBeUndefined();
    expect(credentialScopeService({ authorization: 'AWS4-HMAC-SHA256 Credential=broken' }, '/')).toBeUndefined();
  });
});
