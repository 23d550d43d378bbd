import type { IncomingHttpHeaders } from 'node:http';

/**
 * Checks that a request carries a well-formed SigV4 signature: an `Authorization:
 * AWS4-HMAC-SHA256 …` header or a presigned query. Any credentials are accepted (the emulator
 * knows no secrets), but the shape must be whole: a browser page can neither add an
 * Authorization header cross-origin without a preflight, nor is an unsigned form post taken.
 */

export type AuthFailureKind = 'missing' | 'incomplete' | 'expired';

export type AuthCheck =
  | { ok: true; accessKeyId: string; region: string; service: string }
  | { ok: false; kind: AuthFailureKind; message: string };

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** AWS refuses signatures dated more than 15 minutes from its clock. */
const MAX_SKEW_MS = 15 * 60_000;
const MAX_PRESIGN_EXPIRES_SECONDS = 604_800;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const SIGNATURE = /^[0-9a-f]{64}$/;
const SCOPE_TOKEN = /^[a-z0-9-]{1,64}$/;
const SIGNED_HEADERS = /^[a-z0-9!#$%&'*+.^_`|~:-]+(;[a-z0-9!#$%&'*+.^_`|~:-]+)*$/;
const PRESIGN_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Signature'] as const;

export function checkRequestAuth(headers: IncomingHttpHeaders, url: string, now = Date.now()): AuthCheck {
  const authorization = headers['authorization'];
  const query = queryOf(url);
  const presigned = PRESIGN_PARAMS.some((name) => query.has(name));
  if (authorization !== undefined && presigned) {
    return incomplete('Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be given.');
  }
  if (typeof authorization === 'string') return checkHeader(authorization, headers, now);
  if (presigned) return checkPresigned(query, now);
  return { ok: false, kind: 'missing', message: 'Missing Authentication Token' };
}

function checkHeader(authorization: string, headers: IncomingHttpHeaders, now: number): AuthCheck {
  const space = authorization.indexOf(' ');
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  if (algorithm !== SIGV4_ALGORITHM) {
    return incomplete(`Authorization header must use the ${SIGV4_ALGORITHM} algorithm (Signature Version 4), got '${truncate(algorithm)}'.`);
  }
  const parts = new Map<string, string>();
  for (const piece of authorization.slice(space + 1).split(',')) {
    const text = piece.trim();
    const equals = text.indexOf('=');
    if (equals <= 0) return incomplete(`Authorization header requires each component as 'Name=Value': '${truncate(text)}'.`);
    const name = text.slice(0, equals);
    if (parts.has(name)) return incomplete(`Authorization header has '${truncate(name)}' more than once.`);
    parts.set(name, text.slice(equals + 1));
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((name) => !parts.get(name));
  if (missing.length > 0) {
    return incomplete(missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' '));
  }
  const unknown = [...parts.keys()].find((name) => !['Credential', 'Signature', 'SignedHeaders'].includes(name));
  if (unknown !== undefined) return incomplete(`Authorization header has an unknown component '${truncate(unknown)}'.`);
  const amzDate = single(headers['x-amz-date']);
  const httpDate = single(headers['date']);
  if (amzDate === undefined && httpDate === undefined) {
    return incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  return checkParts(parts.get('Credential')!, parts.get('SignedHeaders')!, parts.get('Signature')!, amzDate ?? httpDate!, now, undefined);
}

function checkPresigned(query: URLSearchParams, now: number): AuthCheck {
  for (const name of PRESIGN_PARAMS) {
    const values = query.getAll(name);
    if (values.length === 0 || values[0] === '') return incomplete(`AWS query-string parameters must include '${name}'. Re-examine the query-string parameters.`);
    if (values.length > 1) return incomplete(`AWS query-string parameter '${name}' is given more than once.`);
  }
  if (query.get('X-Amz-Algorithm') !== SIGV4_ALGORITHM) {
    return incomplete(`X-Amz-Algorithm only supports '${SIGV4_ALGORITHM}', got '${truncate(query.get('X-Amz-Algorithm')!)}'.`);
  }
  const expiresText = query.get('X-Amz-Expires');
  let expiresSeconds: number | undefined;
  if (expiresText !== null) {
    expiresSeconds = /^\d{1,6}$/.test(expiresText) ? Number(expiresText) : Number.NaN;
    if (!(expiresSeconds >= 1 && expiresSeconds <= MAX_PRESIGN_EXPIRES_SECONDS)) {
      return incomplete(`X-Amz-Expires must be an integer from 1 to ${MAX_PRESIGN_EXPIRES_SECONDS} seconds, got '${truncate(expiresText)}'.`);
    }
  }
  return checkParts(
    query.get('X-Amz-Credential')!,
    query.get('X-Amz-SignedHeaders')!,
    query.get('X-Amz-Signature')!,
    query.get('X-Amz-Date')!,
    now,
    expiresSeconds,
  );
}

function checkParts(credential: string, signedHeaders: string, signature: string, date: string, now: number, expiresSeconds: number | undefined): AuthCheck {
  const scope = credential.split('/');
  if (scope.length !== 5 || !scope[0]) {
    return incomplete(`Credential must have the form <access key>/<yyyymmdd>/<region>/<service>/aws4_request, got '${truncate(credential)}'.`);
  }
  const [accessKeyId, scopeDate, region, service, terminator] = scope as [string, string, string, string, string];
  if (terminator !== 'aws4_request') return incomplete(`Credential should be scoped with a valid terminator: 'aws4_request', not '${truncate(terminator)}'.`);
  if (!SCOPE_TOKEN.test(region)) return incomplete('Credential should be scoped to a valid region.');
  if (!SCOPE_TOKEN.test(service)) return incomplete('Credential should be scoped to correct service.');
  if (!SIGNED_HEADERS.test(signedHeaders)) return incomplete(`SignedHeaders must be lower-case header names separated by ';', got '${truncate(signedHeaders)}'.`);
  const signed = signedHeaders.split(';');
  if (!signed.includes('host') && !signed.includes(':authority')) {
    return incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (!SIGNATURE.test(signature)) return incomplete('Signature must be 64 lower-case hexadecimal characters.');
  const signedAt = parseSigningDate(date);
  if (signedAt === undefined) return incomplete(`Date '${truncate(date)}' is neither ISO 8601 basic format (yyyyMMdd'T'HHmmss'Z') nor an HTTP date.`);
  const isoDay = new Date(signedAt).toISOString().slice(0, 10).replaceAll('-', '');
  if (scopeDate !== isoDay) {
    return incomplete(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${truncate(scopeDate)}' != '${isoDay}', from '${truncate(date)}'.`);
  }
  if (expiresSeconds !== undefined) {
    if (now > signedAt + expiresSeconds * 1000) return expired(`Signature expired: the presigned request dated ${amzDate(signedAt)} expired ${expiresSeconds} s later; it is now ${amzDate(now)}.`);
    if (signedAt - now > MAX_SKEW_MS) return expired(`Signature not yet current: ${amzDate(signedAt)} is still later than ${amzDate(now + MAX_SKEW_MS)} (${amzDate(now)} + 15 min.)`);
  } else if (now - signedAt > MAX_SKEW_MS) {
    return expired(`Signature expired: ${amzDate(signedAt)} is now earlier than ${amzDate(now - MAX_SKEW_MS)} (${amzDate(now)} - 15 min.)`);
  } else if (signedAt - now > MAX_SKEW_MS) {
    return expired(`Signature not yet current: ${amzDate(signedAt)} is still later than ${amzDate(now + MAX_SKEW_MS)} (${amzDate(now)} + 15 min.)`);
  }
  return { ok: true, accessKeyId, region, service };
}

/** `20261206T101856Z`, or an HTTP date (`Sun, 06 Dec 2026 10:18:56 GMT`) as SigV4 allows. */
function parseSigningDate(text: string): number | undefined {
  const match = AMZ_DATE.exec(text);
  if (match) {
    const [, year, month, day, hour, minute, second] = match.map(Number) as [number, number, number, number, number, number, number];
    const ms = Date.UTC(year, month - 1, day, hour, minute, second);
    // Date.UTC rolls 20261340 over into a later month; a real date round-trips.
    return amzDate(ms) === text ? ms : undefined;
  }
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function queryOf(url: string): URLSearchParams {
  const start = url.indexOf('?');
  return new URLSearchParams(start < 0 ? '' : url.slice(start + 1));
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function incomplete(message: string): AuthCheck {
  return { ok: false, kind: 'incomplete', message };
}

function expired(message: string): AuthCheck {
  return { ok: false, kind: 'expired', message };
}
