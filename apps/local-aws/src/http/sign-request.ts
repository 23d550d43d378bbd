import { createHash, createHmac } from 'node:crypto';

/** Credentials to sign with; the emulator accepts any. */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignRequestOptions {
  method?: string;
  /** Absolute URL: scheme, host, port, path and query are all signed as sent. */
  url: string | URL;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** SigV4 service name of the credential scope, e.g. `kms`; `das-local` for `/_local/*`. */
  service: string;
  region?: string;
  credentials?: SigningCredentials;
  /** Signing time (ms); default now. */
  now?: number;
}

export const LOCAL_CREDENTIALS: SigningCredentials = { accessKeyId: 'das-local', secretAccessKey: 'das-local' };

/**
 * Signs a request with SigV4 (Authorization header) and returns the headers to send: the given
 * ones plus `host`, `x-amz-date`, `x-amz-content-sha256` and `authorization`.
 */
export function signRequest(options: SignRequestOptions): Record<string, string> {
  const url = new URL(options.url);
  const method = (options.method ?? 'GET').toUpperCase();
  const region = options.region ?? 'us-east-1';
  const credentials = options.credentials ?? LOCAL_CREDENTIALS;
  const amzDate = new Date(options.now ?? Date.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const payloadHash = sha256Hex(options.body ?? '');

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  // A caller may name another Host (tests of the Host check); it is signed as sent.
  headers['host'] ??= url.host;
  headers['x-amz-date'] = amzDate;
  headers['x-amz-content-sha256'] = payloadHash;
  if (credentials.sessionToken !== undefined) headers['x-amz-security-token'] = credentials.sessionToken;
  delete headers['authorization'];

  const signedNames = Object.keys(headers).sort();
  const canonicalHeaders = signedNames.map((name) => `${name}:${headers[name]!.trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = [
    method,
    canonicalPath(url.pathname),
    canonicalQuery(url.searchParams),
    canonicalHeaders,
    signedNames.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${day}/${region}/${options.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [region, options.service, 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  headers['authorization'] =
    `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedNames.join(';')}, Signature=${signature}`;
  return headers;
}

/**
 * Calls a `/_local/*` control endpoint of a running emulator, signed (the emulator refuses
 * unsigned control calls), e.g. `await (await fetchLocal(endpoint, '/_local/stats')).json()`.
 */
export function fetchLocal(endpoint: string, path: string, init: { method?: string; credentials?: SigningCredentials } = {}): Promise<Response> {
  const url = new URL(path, endpoint);
  const method = init.method ?? 'GET';
  const headers = signRequest({ method, url, service: 'das-local', ...(init.credentials ? { credentials: init.credentials } : {}) });
  // fetch sets Host itself from the URL (the same value that was signed).
  delete headers['host'];
  return fetch(url, { method, headers });
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters. */
function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalPath(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => encodeRfc3986(decodeURIComponent(segment)))
    .join('/');
}

function canonicalQuery(params: URLSearchParams): string {
  return [...params]
    .map(([name, value]) => [encodeRfc3986(name), encodeRfc3986(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}
