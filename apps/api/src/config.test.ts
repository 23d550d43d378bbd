import { ConfigError } from '@das/server-kit';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOAD_DOCUMENT, readApiConfig } from './config.js';

describe('readApiConfig', () => {
  it('has defaults for everything', () => {
    const config = readApiConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 7400,
      workerUrl: 'http://127.0.0.1:7401',
      loadDocument: DEFAULT_LOAD_DOCUMENT,
      logLevel: 'info',
      consoleOrigins: ['http://127.0.0.1:7400', 'http://127.0.0.1:5173', 'http://localhost:5173'],
      aws: { region: undefined, endpoint: undefined },
    });
    expect(config.dataDir.endsWith('.das-local')).toBe(true);
    expect(config.token).toBeUndefined();
  });

  it('reads every variable', () => {
    const config = readApiConfig({
      DAS_API_HOST: '0.0.0.0',
      DAS_API_PORT: '8080',
      DAS_TOKEN: 'a-long-enough-token-123',
      DAS_DATA_DIR: '/tmp/das-data',
      DAS_WORKER_URL: 'https://worker.example.com/',
      DAS_LOAD_DOCUMENT: 'MyDoc',
      DAS_LOAD_INSTANCE_ID: 'i-0123456789abcdef0',
      DAS_CONSOLE_ORIGIN: 'https://das.example.com, http://localhost:3000',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      token: 'a-long-enough-token-123',
      dataDir: '/tmp/das-data',
      workerUrl: 'https://worker.example.com',
      loadDocument: 'MyDoc',
      loadInstanceId: 'i-0123456789abcdef0',
      consoleOrigins: ['https://das.example.com', 'http://localhost:3000'],
      logLevel: 'debug',
      aws: { region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566' },
    });
  });

  it('serves no console, with a warning, when DAS_CONSOLE_DIR is not built', () => {
    const config = readApiConfig({ DAS_CONSOLE_DIR: '/nonexistent/console' });
    expect(config.consoleDir).toBeUndefined();
    expect(config.warnings?.join('\n')).toContain('DAS_CONSOLE_DIR');
  });

  it('lists every bad value at once, by name', () => {
    let error: unknown;
    try {
      readApiConfig({
        DAS_API_PORT: '99999',
        AWS_ENDPOINT_URL: 'ftp://x',
        LOG_LEVEL: 'loud',
        DAS_LOAD_INSTANCE_ID: 'server-1',
        DAS_CONSOLE_ORIGIN: 'https://ok.example.com/path',
        DAS_TOKEN: 'secret7',
        AWS_REGION: 'Europe',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['DAS_API_PORT', 'AWS_ENDPOINT_URL', 'LOG_LEVEL', 'DAS_LOAD_INSTANCE_ID', 'DAS_CONSOLE_ORIGIN', 'DAS_TOKEN', 'AWS_REGION']) {
      expect(problems).toContain(name);
    }
    expect(problems).not.toContain('secret7');
  });
});
