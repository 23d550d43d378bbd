#!/usr/bin/env node
import { ConfigError, ensureWritableDataDir, listenFailure, loadOrCreateToken, StartupError } from '@das/server-kit';
import { buildApp } from './app.js';
import { createAwsClients } from './aws-clients.js';
import { readApiConfig } from './config.js';
import { API_USAGE } from './usage.js';

// das-api: parse env -> buildApp -> listen -> close on SIGTERM/SIGINT. Nothing else.
async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`${API_USAGE}\n`);
    return;
  }
  // The token file (and anything else this process writes) is for its user only.
  process.umask(0o077);
  const envConfig = readApiConfig(process.env);
  if (envConfig.token === undefined) await ensureWritableDataDir(envConfig.dataDir, 'DAS_DATA_DIR');
  const aws = createAwsClients(envConfig);
  // The region may come from a profile, which only the SDK can resolve: check it before serving.
  if ((await aws.region()) === 'unknown') throw new ConfigError(['no AWS region: set AWS_REGION (or a region in your AWS profile)']);
  const { token, created, path } = await loadOrCreateToken({ token: envConfig.token, dataDir: envConfig.dataDir });
  if (created) process.stdout.write(`das-api: generated an API token (saved in ${path}, mode 0600; shown only once):\n  ${token}\n`);
  const app = await buildApp({ ...envConfig, token }, { aws });
  for (const warning of envConfig.warnings ?? []) app.log.warn(warning);
  let closing = false;
  const close = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'closing');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => close('SIGTERM'));
  process.once('SIGINT', () => close('SIGINT'));
  try {
    await app.listen({ host: envConfig.host, port: envConfig.port });
  } catch (error) {
    await app.close();
    throw listenFailure(error, { host: envConfig.host, port: envConfig.port, variable: 'DAS_API_PORT' });
  }
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) {
    process.stderr.write(`das-api: ${error.message}\n`);
    process.exit(1);
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`das-api: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`das-api: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
