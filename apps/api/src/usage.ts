/** `das-api --help`: the API is configured by its environment only. */
export const API_USAGE = `Usage: das-api [--help]

The DAS Toolkit control API (keys, activity streams, load runs) and the console it serves.
Configured by environment variables, read once at start:

  AWS_REGION                 region (default: the SDK's chain)
  AWS_ENDPOINT_URL           an AWS-compatible emulator, e.g. http://127.0.0.1:4566 (unset: real AWS)
  DAS_TOKEN                  bearer token, 16+ characters (unset: generated into $DAS_DATA_DIR/token)
  DAS_DATA_DIR               token file (default .das-local)
  DAS_API_HOST, DAS_API_PORT where to listen (default 127.0.0.1, 7400)
  DAS_CONSOLE_DIR            the built console served at / (default apps/console/dist)
  DAS_CONSOLE_ORIGIN         CORS origins allowed, comma-separated
  DAS_WORKER_URL             where the console finds the worker (default http://127.0.0.1:7401)
  DAS_LOAD_DOCUMENT, DAS_LOAD_INSTANCE_ID   the SSM target of load runs
  DAS_LOG_LEVEL              pino level (default info)

Exit codes: 0 stopped, 1 failed, 2 bad configuration.`;
