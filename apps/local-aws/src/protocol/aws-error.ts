/**
 * An error a service answers in its own wire shape: `__type` JSON for the JSON 1.1 services
 * (KMS, Kinesis, SSM) and `<ErrorResponse>` XML for RDS. Anything else thrown by a handler is a
 * bug and is answered as the service's internal-failure error, never as a stack trace.
 */
export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}
