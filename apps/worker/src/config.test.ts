import { describe, expect, it } from 'vitest';
import { ConfigError } from '@das/server-kit';
import { loadWorkerConfig } from './config.js';

describe('worker config', () => {
  it('has the documented defaults', () => {
    const config = loadWorkerConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 7401,
      clusterId: 'auroralab-mysql-cluster',
      startPosition: { type: 'LATEST' },
      consoleOrigins: ['http://127.0.0.1:7400', 'http://127.0.0.1:5173', 'http://localhost:5173'],
      aws: { region: 'us-east-1', endpoint: undefined, credentials: undefined },
      retention: { maxAgeHours: 168, maxEvents: 5_000_000 },
      deadLetterRetryMs: 0,
    });
    expect(config.dataDir).toMatch(/\.das-local$/);
    expect(config.storePath).toBe(`${config.dataDir}/worker/events.duckdb`);
    expect(config.decryptThreads).toBeGreaterThanOrEqual(1);
  });

  it('reads the environment', () => {
    const config = loadWorkerConfig({
      DAS_WORKER_PORT: '9000',
      DAS_STREAM_NAME: 'aws-rds-das-cluster-X',
      DAS_RESOURCE_ID: 'cluster-X',
      DAS_START_POSITION: '2026-01-01T00:00:00Z',
      DAS_DECRYPT_THREADS: '0',
      DAS_RETENTION_HOURS: '0',
      DAS_RETENTION_MAX_EVENTS: '1000',
      DAS_DEAD_LETTER_RETRY_SECONDS: '300',
      DAS_CONSOLE_ORIGIN: 'http://a, http://b',
      AWS_REGION: 'eu-central-1',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566/',
      AWS_ACCESS_KEY_ID: 'id',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    expect(config).toMatchObject({
      port: 9000,
      streamName: 'aws-rds-das-cluster-X',
      resourceId: 'cluster-X',
      startPosition: { type: 'AT_TIMESTAMP', timestampMs: Date.parse('2026-01-01T00:00:00Z') },
      decryptThreads: 0,
      retention: { maxAgeHours: null, maxEvents: 1000 },
      deadLetterRetryMs: 300_000,
      consoleOrigins: ['http://a', 'http://b'],
      aws: { region: 'eu-central-1', endpoint: 'http://127.0.0.1:4566', credentials: { accessKeyId: 'id', secretAccessKey: 'secret' } },
    });
  });

  it('lists every bad value at once', () => {
    let error: unknown;
    try {
      loadWorkerConfig({ DAS_WORKER_PORT: 'x', DAS_STREAM_NAME: 's', DAS_START_POSITION: 'soon', DAS_DECRYPT_THREADS: '-1', AWS_ENDPOINT_URL: 'ftp://x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['DAS_WORKER_PORT', 'DAS_STREAM_NAME and DAS_RESOURCE_ID', 'DAS_START_POSITION', 'DAS_DECRYPT_THREADS', 'AWS_ENDPOINT_URL']) {
      expect(problems).toContain(name);
    }
  });

  it('reads the decrypt engine, flow control and store limits, keeping a whole read within the queue', () => {
    expect(loadWorkerConfig({})).toMatchObject({
      decryptEngine: 'fast',
      flow: { recordsPerRead: 500, maxQueuedRecords: 1000 },
      storeLimits: { memoryLimitMb: 512, threads: 1 },
    });
    const config = loadWorkerConfig({
      DAS_DECRYPT_ENGINE: 'sdk',
      DAS_SHARD_READ_LIMIT: '300',
      DAS_SHARD_QUEUE_RECORDS: '100',
      DAS_STORE_MEMORY_MB: '48',
      DAS_STORE_THREADS: '2',
    });
    expect(config).toMatchObject({ decryptEngine: 'sdk', flow: { recordsPerRead: 300, maxQueuedRecords: 300 }, storeLimits: { memoryLimitMb: 48, threads: 2 } });
    expect(() => loadWorkerConfig({ DAS_DECRYPT_ENGINE: 'lab' })).toThrow(/DAS_DECRYPT_ENGINE/);
    expect(() => loadWorkerConfig({ DAS_SHARD_READ_LIMIT: '20000' })).toThrow(/DAS_SHARD_READ_LIMIT/);
  });

  it('reads the alert settings', () => {
    expect(loadWorkerConfig({}).alerts).toEqual({ enabled: true, rulesFile: undefined, sensitiveObjects: [], webhooks: [] });
    expect(loadWorkerConfig({ DAS_ALERTS: 'false', DAS_ALERT_RULES: '/etc/das/rules.yaml', DAS_SENSITIVE_OBJECTS: 'shop.cards, hr.salaries,' }).alerts).toEqual({
      enabled: false,
      rulesFile: '/etc/das/rules.yaml',
      sensitiveObjects: ['shop.cards', 'hr.salaries'],
      webhooks: [],
    });
    const hooks = loadWorkerConfig({ DAS_ALERT_WEBHOOKS: JSON.stringify([{ url: 'https://hooks.example/das', secret: 'a-secret-of-some-length', id: 'ops' }]) });
    expect(hooks.alerts.webhooks).toEqual([{ id: 'ops', url: 'https://hooks.example/das', secret: 'a-secret-of-some-length' }]);
    expect(() => loadWorkerConfig({ DAS_ALERT_WEBHOOKS: '[{"url":"https://x"}]' })).toThrow(/DAS_ALERT_WEBHOOKS\[0\]\.secret/);
  });

  it('stores statement text as written unless DAS_STORE_REDACTED_TEXT=true', () => {
    expect(loadWorkerConfig({}).storeRedactedText).toBe(false);
    expect(loadWorkerConfig({ DAS_STORE_REDACTED_TEXT: 'true' }).storeRedactedText).toBe(true);
    expect(() => loadWorkerConfig({ DAS_STORE_REDACTED_TEXT: 'yes' })).toThrow(/DAS_STORE_REDACTED_TEXT/);
  });
});
