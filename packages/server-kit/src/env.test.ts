import { describe, expect, it } from 'vitest';
import { ConfigError, createEnvReader } from './env.js';
import { loggerOptions, redactUrl } from './logging.js';

describe('createEnvReader', () => {
  it('reads values with defaults', () => {
    const env = createEnvReader({ PORT: '8080', MODE: 'b' });
    expect(env.port('PORT', 1)).toBe(8080);
    expect(env.port('OTHER_PORT', 7)).toBe(7);
    expect(env.oneOf('MODE', ['a', 'b'] as const, 'a')).toBe('b');
    env.done();
  });

  it('lists every bad value in one error', () => {
    const env = createEnvReader({ PORT: 'http', MODE: 'c', URL: 'ftp://x' });
    env.port('PORT', 1);
    env.oneOf('MODE', ['a', 'b'] as const, 'a');
    env.url('URL');
    let error: unknown;
    try {
      env.done();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(3);
    expect((error as ConfigError).message).toContain('PORT="http" is not a port');
  });
});

describe('log redaction', () => {
  it('removes tokens and passwords from URLs', () => {
    expect(redactUrl('/events/live?user=a&token=abc&x=1')).toBe('/events/live?user=a&token=[REDACTED]&x=1');
    expect(redactUrl('/x?dbPassword=pw')).toBe('/x?dbPassword=[REDACTED]');
  });

  it('redacts secrets and SQL text in log lines', async () => {
    const { pino } = await import('pino');
    const lines: string[] = [];
    const logger = pino(loggerOptions(), { write: (line: string) => lines.push(line) });
    logger.info({ password: 'pw', event: { commandText: 'select secret' }, token: 't' }, 'hello');
    const text = lines.join('');
    expect(text).toContain('hello');
    expect(text).not.toContain('select secret');
    expect(text).not.toContain('"pw"');
    expect(text).toContain('[REDACTED]');
  });
});
