import { KinesisClient } from '@aws-sdk/client-kinesis';
import { KMSClient } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** What every AWS client of the worker is built from (validated config, never process.env). */
export interface AwsSettings {
  region: string;
  /** `AWS_ENDPOINT_URL`: an emulator such as @das/local-aws, or kinesalite. */
  endpoint?: string | undefined;
  /** Explicit credentials; when absent the SDK's default provider chain applies. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined } | undefined;
}

export interface AwsClients {
  kinesis: KinesisClient;
  kms: KMSClient;
  rds: RDSClient;
}

function common(settings: AwsSettings) {
  return {
    region: settings.region,
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    ...(settings.credentials === undefined ? {} : { credentials: settings.credentials }),
  };
}

/** KMS client; also built inside each decrypt thread from the same settings. */
export function createKmsClient(settings: AwsSettings): KMSClient {
  return new KMSClient({ ...common(settings), maxAttempts: 2 });
}

/**
 * Kinesis client. Against a plain-http endpoint it speaks HTTP/1.1 (kinesalite knows no h2c);
 * against AWS it keeps the SDK's default HTTP/2 handler.
 */
export function createKinesisClient(settings: AwsSettings): KinesisClient {
  const http1 = settings.endpoint?.startsWith('http://') === true;
  return new KinesisClient({
    ...common(settings),
    ...(http1 ? { requestHandler: new NodeHttpHandler({ connectionTimeout: 5000, requestTimeout: 30_000 }) } : {}),
  });
}

/** The worker's AWS clients, built in this one place. */
export function createAwsClients(settings: AwsSettings): AwsClients {
  return {
    kinesis: createKinesisClient(settings),
    kms: createKmsClient(settings),
    rds: new RDSClient(common(settings)),
  };
}
