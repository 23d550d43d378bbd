// @das/local-aws: the AWS-compatible emulator (KMS, Kinesis, RDS, …) on one local endpoint.
export {
  DEFAULT_CLUSTER,
  startLocalAws,
  type LocalAws,
  type LocalAwsOptions,
  type SourceKind,
  type SourcePlugin,
  type SourcePluginContext,
} from './local-aws.js';
export { fetchLocal, LOCAL_CREDENTIALS, signRequest, type SignRequestOptions, type SigningCredentials } from './http/sign-request.js';
export { AwsServiceError } from './protocol/aws-error.js';
export { unknownOperation, type JsonService } from './protocol/json-service.js';
export type { ClusterRecord } from './rds/cluster-store.js';
