import { AwsServiceError } from './aws-error.js';

/**
 * A service spoken in AWS JSON 1.1 (KMS, Kinesis, SSM). The router picks it by the SigV4
 * credential scope (`signingName`) or the `X-Amz-Target` prefix, parses the body and calls
 * `handle`. Throw AwsServiceError for modelled errors; anything else becomes a 500 InternalFailure.
 */
export interface JsonService {
  /** Key used in /health and /_local/stats, e.g. `kms`. */
  readonly name: string;
  /** The SigV4 service name in the credential scope, e.g. `kms`. */
  readonly signingName: string;
  /** `X-Amz-Target` text before the dot, e.g. `TrentService`. */
  readonly targetPrefix: string;
  /** Member carrying the error text: KMS and Kinesis use `message`, SSM `Message`. Default `message`. */
  readonly messageMember?: 'message' | 'Message';
  handle(operation: string, input: Record<string, unknown>): unknown;
}

/** The error every JSON service answers for an operation it does not implement. */
export function unknownOperation(service: string, operation: string): AwsServiceError {
  return new AwsServiceError('UnknownOperationException', `Operation ${operation} is not supported by the local ${service} emulator.`);
}
