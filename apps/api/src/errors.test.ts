import { describe, expect, it } from 'vitest';
import { ApiError, mapAwsError } from './errors.js';

const sdkError = (name: string, status: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} message\nsecond line`), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, ...extra });

describe('mapAwsError', () => {
  it.each([
    ['NotFoundException', 404, 404, 'NOT_FOUND'],
    ['DisabledException', 409, 409, 'KEY_DISABLED'],
    ['KMSInvalidStateException', 409, 409, 'WRONG_STATE'],
    ['AlreadyExistsException', 409, 409, 'ALREADY_EXISTS'],
    ['DBClusterNotFoundFault', 404, 404, 'NOT_FOUND'],
    ['InvalidDBClusterStateFault', 400, 409, 'WRONG_STATE'],
    ['KMSKeyNotAccessibleFault', 400, 422, 'KEY_NOT_USABLE'],
    ['InvalidDocument', 400, 400, 'VALIDATION_FAILED'],
    ['InvalidCommandId', 400, 404, 'NOT_FOUND'],
    ['AccessDeniedException', 400, 403, 'AWS_ACCESS_DENIED'],
    ['InvalidAliasNameException', 400, 400, 'VALIDATION_FAILED'],
    ['MalformedPolicyDocumentException', 400, 400, 'VALIDATION_FAILED'],
    ['InvalidArnException', 400, 400, 'VALIDATION_FAILED'],
    ['InvalidMarkerException', 400, 400, 'VALIDATION_FAILED'],
    ['TagException', 400, 400, 'VALIDATION_FAILED'],
    ['ValidationException', 400, 400, 'VALIDATION_FAILED'],
    ['UnsupportedOperationException', 400, 400, 'UNSUPPORTED'],
    ['DBInstanceNotFound', 404, 404, 'NOT_FOUND'],
    ['ResourceNotFoundFault', 404, 404, 'NOT_FOUND'],
    ['InvalidParameterValue', 400, 400, 'VALIDATION_FAILED'],
    ['InvalidDocumentVersion', 400, 400, 'VALIDATION_FAILED'],
    ['InvalidInstanceId', 400, 400, 'VALIDATION_FAILED'],
    ['DuplicateInstanceId', 400, 400, 'VALIDATION_FAILED'],
    ['InvalidParameters', 400, 400, 'VALIDATION_FAILED'],
    ['InvocationDoesNotExist', 400, 404, 'NOT_FOUND'],
    ['InvalidFilterKey', 400, 400, 'VALIDATION_FAILED'],
    ['InvalidNextToken', 400, 400, 'VALIDATION_FAILED'],
    ['UnknownOperationException', 400, 501, 'UNSUPPORTED_BY_ENDPOINT'],
    ['InvalidAction', 400, 501, 'UNSUPPORTED_BY_ENDPOINT'],
    ['MissingParameter', 400, 400, 'AWS_REJECTED'],
    ['SerializationException', 400, 400, 'AWS_REJECTED'],
    ['SomethingNew', 400, 400, 'AWS_REJECTED'],
    ['SomethingNew', 404, 404, 'NOT_FOUND'],
    ['InternalFailure', 500, 502, 'AWS_ERROR'],
  ])('%s (HTTP %i) -> %i %s', (name, awsStatus, status, code) => {
    const mapped = mapAwsError(sdkError(name, awsStatus));
    expect(mapped).toBeInstanceOf(ApiError);
    const error = mapped as ApiError;
    expect([error.statusCode, error.code, error.extra.awsCode]).toEqual([status, code, name]);
    expect(error.message).toBe(`${name} message`);
  });

  it('maps throttling to 429 with a retry-after', () => {
    const error = mapAwsError(sdkError('ThrottlingException', 400, { $response: { headers: { 'retry-after': '7' } } })) as ApiError;
    expect([error.statusCode, error.code, error.extra.retryAfterSeconds]).toEqual([429, 'THROTTLED', 7]);
    expect((mapAwsError(sdkError('LimitExceededException', 400)) as ApiError).extra.retryAfterSeconds).toBe(2);
  });

  it('maps a refused connection and a timeout to 503 AWS_UNREACHABLE', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', $metadata: {} });
    expect((mapAwsError(refused) as ApiError).statusCode).toBe(503);
    const timeout = Object.assign(new Error('Request timed out'), { name: 'TimeoutError' });
    expect((mapAwsError(timeout) as ApiError).code).toBe('AWS_UNREACHABLE');
  });

  it('maps missing credentials to 503 and leaves non-AWS errors alone', () => {
    expect((mapAwsError(Object.assign(new Error('x'), { name: 'CredentialsProviderError' })) as ApiError).code).toBe('AWS_CREDENTIALS_MISSING');
    const bug = new TypeError('undefined is not a function');
    expect(mapAwsError(bug)).toBe(bug);
  });
});
