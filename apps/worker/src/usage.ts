/** `das-worker --help`: the worker is configured by its environment only. */
export const WORKER_USAGE = `Usage: das-worker [--help]

The DAS Toolkit worker: reads an activity stream, decrypts, stores and serves its events.
Configured by environment variables, read once at start:

  AWS_REGION                       region (default: the SDK's chain)
  AWS_ENDPOINT_URL                 an AWS-compatible emulator, e.g. http://127.0.0.1:4566 (unset: real AWS)
  DAS_TOKEN                        bearer token, 16+ characters (unset: generated into $DAS_DATA_DIR/token)
  DAS_DATA_DIR                     token file, event store and checkpoints (default .das-local)
  DAS_WORKER_HOST, DAS_WORKER_PORT where to listen (default 127.0.0.1, 7401)
  DAS_CLUSTER_ID                   the cluster whose stream is read (default auroralab-mysql-cluster)
  DAS_STREAM_NAME, DAS_RESOURCE_ID read a stream directly
  DAS_START_POSITION               LATEST (default), TRIM_HORIZON or an ISO time
  DAS_DECRYPT_THREADS              decryption threads (default cores - 1)
  DAS_RETENTION_HOURS, DAS_RETENTION_MAX_EVENTS   store retention
  DAS_DEAD_LETTER_RETRY_SECONDS    retry KEY_DECRYPT_FAILED dead letters on their own (0: off)
  DAS_CONSOLE_ORIGIN               CORS origins allowed, comma-separated
  DAS_LOG_LEVEL                    pino level (default info)

Exit codes: 0 stopped, 1 failed, 2 bad configuration. See also: das --help (das tail).`;
