import type { MysqlConnectionOptions } from '@das/capture';

/** A MariaDB of the user's own (`--mysql-url` + `--audit-log`), watched but never reconfigured. */
export interface WatchedMariadb {
  host: string;
  port: number;
  user: string;
  password: string;
  auditLogPath: string;
  /** The capture's session: the URL's account (its activity is reported as `rdsadmin`). */
  housekeeping: MysqlConnectionOptions;
}

/** The URL is not a usable `mysql://user:password@host:port` URL. */
export class MysqlUrlError extends Error {
  readonly code = 'INVALID_MYSQL_URL';
  constructor(reason: string) {
    super(`--mysql-url must look like mysql://user:password@host:3306 (${reason})`);
    this.name = 'MysqlUrlError';
  }
}

/** Reads `--mysql-url` and `--audit-log` into what the composition and the capture need. */
export function parseMysqlUrl(url: string, auditLogPath: string): WatchedMariadb {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MysqlUrlError('not a URL');
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') throw new MysqlUrlError(`scheme ${parsed.protocol} is not mysql:`);
  if (parsed.hostname === '') throw new MysqlUrlError('no host');
  const user = decodeURIComponent(parsed.username);
  if (user === '') throw new MysqlUrlError('no user');
  const password = decodeURIComponent(parsed.password);
  const port = parsed.port === '' ? 3306 : Number(parsed.port);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return { host, port, user, password, auditLogPath, housekeeping: { host, port, user, password } };
}
