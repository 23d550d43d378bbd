import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_API_PORT, DEFAULT_WORKER_PORT } from '@das/contracts';
import { createEnvReader } from '@das/server-kit';

/** SSM document of the emulator's lab load test (apps/local-aws/src/ssm). */
export const DEFAULT_LOAD_DOCUMENT = 'DAS-Lab-TpccLoad';

/** Static credentials, only for tests and emulators; real deployments use the SDK's default chain. */
export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Everything the API reads from its environment, validated. */
export interface ApiConfig {
  host: string;
  port: number;
  /** Resolved bearer token (DAS_TOKEN or the generated one). */
  token: string;
  dataDir: string;
  /** Built console to serve at `/`; undefined when there is none. */
  consoleDir?: string;
  /** Origins allowed by CORS. */
  consoleOrigins: string[];
  workerUrl: string;
  loadDocument: string;
  loadInstanceId?: string;
  logLevel: string;
  /** Problems that do not stop the API (logged at start), e.g. a console that is not built. */
  warnings?: string[];
  aws: {
    /** AWS_REGION / AWS_DEFAULT_REGION; undefined lets the SDK's chain (profile) decide. */
    region?: string;
    /** AWS_ENDPOINT_URL: one endpoint for KMS, RDS and SSM (an emulator such as @das/local-aws). */
    endpoint?: string;
    credentials?: StaticCredentials;
  };
}

/** The config before the token is resolved (server.ts runs loadOrCreateToken). */
export type ApiEnvConfig = Omit<ApiConfig, 'token'> & { token?: string };

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The built console inside the monorepo, if it has been built. */
function defaultConsoleDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = resolve(here, '../../console/dist');
  return existsSync(resolve(dir, 'index.html')) ? dir : undefined;
}

/**
 * Reads and validates the API's environment; throws a ConfigError that lists every bad value.
 * AWS credentials are left to the SDK's default chain.
 */
export function readApiConfig(env: Record<string, string | undefined>): ApiEnvConfig {
  const read = createEnvReader(env);
  const host = read.string('DAS_API_HOST', '127.0.0.1') ?? '127.0.0.1';
  const port = read.port('DAS_API_PORT', DEFAULT_API_PORT);
  const dataDir = resolve(read.string('DAS_DATA_DIR', '.das-local') ?? '.das-local');
  const endpoint = read.url('AWS_ENDPOINT_URL');
  const workerUrl = read.url('DAS_WORKER_URL') ?? `http://127.0.0.1:${DEFAULT_WORKER_PORT}`;
  // DAS_LOG_LEVEL as the worker reads it; the common LOG_LEVEL also works.
  const logLevel = read.oneOf('DAS_LOG_LEVEL', LOG_LEVELS, read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'));
  const loadDocument = read.string('DAS_LOAD_DOCUMENT', DEFAULT_LOAD_DOCUMENT) ?? DEFAULT_LOAD_DOCUMENT;
  if (!/^[A-Za-z0-9_.:/-]{3,128}$/.test(loadDocument)) read.problem(`DAS_LOAD_DOCUMENT=${JSON.stringify(loadDocument)} is not an SSM document name`);
  const loadInstanceId = read.string('DAS_LOAD_INSTANCE_ID');
  if (loadInstanceId !== undefined && !/^(i|mi)-[0-9a-zA-Z]{1,40}$/.test(loadInstanceId)) {
    read.problem(`DAS_LOAD_INSTANCE_ID=${JSON.stringify(loadInstanceId)} is not an instance id (i-… or mi-…)`);
  }
  const region = read.string('AWS_REGION') ?? read.string('AWS_DEFAULT_REGION');
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) read.problem(`AWS_REGION=${JSON.stringify(region)} is not a region name`);

  const warnings: string[] = [];
  let consoleDir = read.string('DAS_CONSOLE_DIR');
  if (consoleDir !== undefined) {
    consoleDir = resolve(consoleDir);
    // Not fatal: the API is useful without the console (it may simply not be built yet).
    if (!existsSync(resolve(consoleDir, 'index.html'))) {
      warnings.push(`DAS_CONSOLE_DIR=${JSON.stringify(consoleDir)} has no index.html (build the console); the console is not served`);
      consoleDir = undefined;
    }
  } else {
    consoleDir = defaultConsoleDir();
  }

  const consoleOrigins = parseOrigins(read, env.DAS_CONSOLE_ORIGIN, `http://${host.includes(':') ? `[${host}]` : host}:${port}`);
  const token = read.token('DAS_TOKEN');
  read.done();
  return {
    host,
    port,
    token,
    dataDir,
    consoleDir,
    consoleOrigins,
    workerUrl,
    loadDocument,
    loadInstanceId,
    logLevel,
    warnings,
    aws: { region, endpoint },
  };
}

function parseOrigins(read: ReturnType<typeof createEnvReader>, value: string | undefined, ownOrigin: string): string[] {
  if (value === undefined || value.trim() === '') return [ownOrigin, 'http://127.0.0.1:5173', 'http://localhost:5173'];
  const origins: string[] = [];
  for (const item of value.split(',').map((part) => part.trim()).filter(Boolean)) {
    try {
      const url = new URL(item);
      if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== item.replace(/\/+$/, '')) throw new Error('not an origin');
      origins.push(url.origin);
    } catch {
      read.problem(`DAS_CONSOLE_ORIGIN item ${JSON.stringify(item)} is not an origin (scheme://host[:port])`);
    }
  }
  return origins;
}
