import type { KmsPort } from '@das/core';

/** What RDS StartActivityStream hands to the thing that produces activity for a cluster. */
export interface ActiveStream {
  clusterIdentifier: string;
  /** `cluster-…`; the encryption context value of `aws:rds:dbc-id`. */
  resourceId: string;
  /** `db-…` of the writer instance, the payload's `instanceId`. */
  instanceResourceId: string;
  /** Instance identifier shown as the events' `serverHost`. */
  instanceIdentifier: string;
  streamName: string;
  /** The key's ARN, resolved by KMS from whatever form the caller gave. */
  kmsKeyArn: string;
  mode: 'sync' | 'async';
  engineNativeAuditFieldsIncluded: boolean;
  /** The emulator's own KMS, called in process. */
  kms: KmsPort;
  /** Puts encrypted envelopes on the activity stream, in order. */
  putRecords(records: readonly { data: Uint8Array; partitionKey: string }[]): Promise<void>;
}

/**
 * A producer of activity events for one cluster: the MariaDB audit capture, or the synthetic
 * source. `start` begins producing into the stream; `stop` flushes what is buffered, then ends.
 */
export interface ActivitySource {
  start(stream: ActiveStream): Promise<void>;
  stop(): Promise<void>;
  close(): Promise<void>;
}
