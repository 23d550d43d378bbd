import type { LoggerOptions } from 'pino';

/**
 * Log paths that may hold secrets or SQL text. SQL is sensitive data: a statement can carry
 * personal data or credentials, so it never reaches the logs.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["sec-websocket-protocol"]',
  'headers.authorization',
  'token',
  '*.token',
  'password',
  '*.password',
  'dbPassword',
  '*.dbPassword',
  '*.*.dbPassword',
  'masterPassword',
  '*.masterPassword',
  'commandText',
  '*.commandText',
  '*.*.commandText',
  'sql',
  '*.sql',
  'text',
  '*.text',
  'Plaintext',
  '*.Plaintext',
];

/** Drops `token=` from a logged URL; the WebSocket passes the token in the query. */
export function redactUrl(url: string): string {
  return url.replace(/([?&])(token|dbPassword|password)=[^&#]*/gi, '$1$2=[REDACTED]');
}

export interface LogSettings {
  level?: string;
  /** Extra paths to redact on top of {@link REDACTED_PATHS}. */
  redact?: readonly string[];
}

/** pino options shared by the API and the worker: redaction plus a request serializer without secrets. */
export function loggerOptions(settings: LogSettings = {}): LoggerOptions {
  return {
    level: settings.level ?? 'info',
    redact: { paths: [...REDACTED_PATHS, ...(settings.redact ?? [])], censor: '[REDACTED]' },
    serializers: {
      req(request: { method?: string; url?: string; id?: string; ip?: string }) {
        return { id: request.id, method: request.method, url: request.url ? redactUrl(request.url) : undefined, ip: request.ip };
      },
    },
  };
}
