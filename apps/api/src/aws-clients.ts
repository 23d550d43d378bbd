import { KMSClient } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { ApiConfig } from './config.js';

/** The AWS clients the routes use; tests pass stubs with the same `send`. */
export interface AwsClients {
  kms: Pick<KMSClient, 'send'>;
  rds: Pick<RDSClient, 'send'>;
  ssm: Pick<SSMClient, 'send'>;
  /** The region the clients talk to (from config or the SDK's chain). */
  region(): Promise<string>;
  /** Frees sockets; called when the app closes. */
  destroy(): void;
}

/**
 * Builds the KMS, RDS and SSM clients in one place from validated config: region and the
 * endpoint override (AWS_ENDPOINT_URL, e.g. @das/local-aws) when set, credentials from the
 * SDK's default chain unless the config carries static ones (tests, emulators).
 */
export function createAwsClients(config: Pick<ApiConfig, 'aws'>): AwsClients {
  const { region, endpoint, credentials } = config.aws;
  const common = {
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 20_000 },
  };
  const kms = new KMSClient(common);
  const rds = new RDSClient(common);
  const ssm = new SSMClient(common);
  return {
    kms,
    rds,
    ssm,
    region: async () => {
      try {
        return await kms.config.region();
      } catch {
        return 'unknown';
      }
    },
    destroy: () => {
      kms.destroy();
      rds.destroy();
      ssm.destroy();
    },
  };
}
