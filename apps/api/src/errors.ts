import type { ErrorBody } from '@das/contracts';

/** An error with its HTTP status and the one error body; the error handler sends it as is. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extra: { awsCode?: string; field?: string; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ErrorBody {
    return {
      code: this.code,
      message: this.message,
      ...(this.extra.awsCode ? { awsCode: this.extra.awsCode } : {}),
      ...(this.extra.field ? { field: this.extra.field } : {}),
    };
  }
}

interface AwsFault {
  status: number;
  code: string;
  /** Request field the fault is about, when it is clear. */
  field?: string;
}

/** AWS error names (KMS, RDS, SSM) mapped to HTTP. Anything else falls back by HTTP status. */
const AWS_FAULTS: Record<string, AwsFault> = {
  // KMS
  NotFoundException: { status: 404, code: 'NOT_FOUND' },
  DisabledException: { status: 409, code: 'KEY_DISABLED' },
  KMSInvalidStateException: { status: 409, code: 'WRONG_STATE' },
  AlreadyExistsException: { status: 409, code: 'ALREADY_EXISTS', field: '/body/alias' },
  InvalidAliasNameException: { status: 400, code: 'VALIDATION_FAILED', field: '/body/alias' },
  MalformedPolicyDocumentException: { status: 400, code: 'VALIDATION_FAILED', field: '/body/keyAdministrators' },
  InvalidArnException: { status: 400, code: 'VALIDATION_FAILED' },
  InvalidMarkerException: { status: 400, code: 'VALIDATION_FAILED' },
  TagException: { status: 400, code: 'VALIDATION_FAILED' },
  ValidationException: { status: 400, code: 'VALIDATION_FAILED' },
  UnsupportedOperationException: { status: 400, code: 'UNSUPPORTED' },
  KeyUnavailableException: { status: 503, code: 'AWS_UNAVAILABLE' },
  DependencyTimeoutException: { status: 503, code: 'AWS_UNAVAILABLE' },
  KMSInternalException: { status: 502, code: 'AWS_ERROR' },
  // RDS (wire codes and SDK class names differ for the instance faults)
  DBClusterNotFoundFault: { status: 404, code: 'NOT_FOUND', field: '/params/id' },
  DBInstanceNotFound: { status: 404, code: 'NOT_FOUND' },
  DBInstanceNotFoundFault: { status: 404, code: 'NOT_FOUND' },
  ResourceNotFoundFault: { status: 404, code: 'NOT_FOUND' },
  InvalidDBClusterStateFault: { status: 409, code: 'WRONG_STATE' },
  InvalidDBInstanceState: { status: 409, code: 'WRONG_STATE' },
  InvalidDBInstanceStateFault: { status: 409, code: 'WRONG_STATE' },
  KMSKeyNotAccessibleFault: { status: 422, code: 'KEY_NOT_USABLE', field: '/body/kmsKeyId' },
  InvalidParameterValue: { status: 400, code: 'VALIDATION_FAILED' },
  InvalidParameterCombination: { status: 400, code: 'VALIDATION_FAILED' },
  // SSM
  InvalidDocument: { status: 400, code: 'VALIDATION_FAILED', field: '/body/documentName' },
  InvalidDocumentVersion: { status: 400, code: 'VALIDATION_FAILED', field: '/body/documentName' },
  InvalidInstanceId: { status: 400, code: 'VALIDATION_FAILED', field: '/body/instanceIds' },
  DuplicateInstanceId: { status: 400, code: 'VALIDATION_FAILED', field: '/body/instanceIds' },
  InvalidParameters: { status: 400, code: 'VALIDATION_FAILED', field: '/body/parameters' },
  UnsupportedPlatformType: { status: 422, code: 'UNSUPPORTED' },
  MaxDocumentSizeExceeded: { status: 400, code: 'VALIDATION_FAILED' },
  InvalidCommandId: { status: 404, code: 'NOT_FOUND', field: '/params/id' },
  InvocationDoesNotExist: { status: 404, code: 'NOT_FOUND' },
  InvalidFilterKey: { status: 400, code: 'VALIDATION_FAILED' },
  InvalidNextToken: { status: 400, code: 'VALIDATION_FAILED' },
  InternalServerError: { status: 502, code: 'AWS_ERROR' },
  // the endpoint (an emulator, an old region) does not implement the operation
  UnknownOperationException: { status: 501, code: 'UNSUPPORTED_BY_ENDPOINT' },
  InvalidAction: { status: 501, code: 'UNSUPPORTED_BY_ENDPOINT' },
  // any service
  AccessDeniedException: { status: 403, code: 'AWS_ACCESS_DENIED' },
  AccessDenied: { status: 403, code: 'AWS_ACCESS_DENIED' },
  UnrecognizedClientException: { status: 403, code: 'AWS_ACCESS_DENIED' },
  InvalidClientTokenId: { status: 403, code: 'AWS_ACCESS_DENIED' },
  ExpiredTokenException: { status: 403, code: 'AWS_ACCESS_DENIED' },
};

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'LimitExceededException',
  'ProvisionedThroughputExceededException',
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

interface SdkLikeError {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string> };
}

/** True when the error says AWS could not be reached (no HTTP answer at all). */
export function isUnreachable(error: unknown): boolean {
  const e = error as SdkLikeError;
  if (typeof e?.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return true;
  // Only network failures, worded as Node and the SDK word them: a message that merely names a
  // field such as `timeoutSeconds` is not one.
  return e?.$metadata?.httpStatusCode === undefined && /socket hang up|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|connect E[A-Z]+|timed out/.test(e?.message ?? '');
}

/** An AWS message is safe to show (no stack, bounded length). */
function awsMessage(error: SdkLikeError, fallback: string): string {
  const message = (error.message ?? '').split('\n', 1)[0]?.trim();
  return message ? message.slice(0, 500) : fallback;
}

/**
 * Maps an error thrown by an AWS SDK call to an {@link ApiError}: the fault table above,
 * throttling to 429 (Retry-After), unreachable to 503, missing credentials to 503, other AWS
 * faults by their HTTP status. Errors that are not from AWS are returned unchanged.
 */
export function mapAwsError(error: unknown): unknown {
  if (error instanceof ApiError) return error;
  const e = error as SdkLikeError & { validation?: unknown };
  if (!e || typeof e !== 'object') return error;
  // Fastify's own errors (validation, parsing) are the request's fault, never AWS's.
  if (e.validation !== undefined || (typeof e.code === 'string' && e.code.startsWith('FST_'))) return error;
  const name = e.name ?? '';
  if (name === 'CredentialsProviderError') {
    return new ApiError(503, 'AWS_CREDENTIALS_MISSING', 'no AWS credentials found (set them the usual SDK way: env, profile, role)');
  }
  if (THROTTLING.has(name) || THROTTLING.has(e.Code ?? '')) {
    const retryAfter = Number(e.$response?.headers?.['retry-after']);
    return new ApiError(429, 'THROTTLED', awsMessage(e, 'AWS throttled the request; retry later'), {
      awsCode: name,
      retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 2,
    });
  }
  const fault = AWS_FAULTS[name] ?? (e.Code ? AWS_FAULTS[e.Code] : undefined);
  if (fault) {
    return new ApiError(fault.status, fault.code, awsMessage(e, name), { awsCode: name, ...(fault.field ? { field: fault.field } : {}) });
  }
  if (isUnreachable(e)) {
    return new ApiError(503, 'AWS_UNREACHABLE', 'the AWS endpoint did not answer', { awsCode: e.code ?? name });
  }
  const status = e.$metadata?.httpStatusCode;
  if (e.$fault !== undefined || status !== undefined) {
    if (status === 404) return new ApiError(404, 'NOT_FOUND', awsMessage(e, name), { awsCode: name });
    if (status !== undefined && status >= 400 && status < 500) return new ApiError(400, 'AWS_REJECTED', awsMessage(e, name), { awsCode: name });
    return new ApiError(502, 'AWS_ERROR', awsMessage(e, 'AWS answered with an error'), { awsCode: name });
  }
  return error;
}

/** Runs an AWS call and rethrows its failure as an ApiError. */
export async function aws<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw mapAwsError(error);
  }
}
