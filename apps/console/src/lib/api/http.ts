// The fetch wrapper every API/worker call goes through: bearer token, JSON, typed errors, 401 hook.

/** An HTTP failure in the API's error shape, or a network failure (`status` 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly awsCode: string | undefined;
  readonly field: string | undefined;
  constructor(status: number, code: string, message: string, awsCode?: string, field?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.awsCode = awsCode;
    this.field = field;
  }
}

export interface HttpClientOptions {
  baseUrl: string;
  getToken: () => string | null;
  /** Called on any 401 before the error is thrown. */
  onUnauthorized: (error: ApiError) => void;
  fetch?: typeof fetch;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

/** A small client bound to one base URL and the session's token. */
export interface HttpClient {
  readonly baseUrl: string;
  request<T>(method: string, path: string, options?: RequestOptions): Promise<T>;
  /** The raw response (for streaming bodies); errors are thrown like `request`. */
  raw(method: string, path: string, options?: RequestOptions): Promise<Response>;
  url(path: string, query?: Query): string;
}

function buildUrl(baseUrl: string, path: string, query: Query | undefined): string {
  const url = new URL(baseUrl.replace(/\/$/, '') + path);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
  }
  return url.toString();
}

async function errorFrom(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (typeof body === 'object' && body !== null && 'code' in body && 'message' in body) {
    const b = body as { code: string; message: string; awsCode?: string; field?: string };
    return new ApiError(response.status, b.code, b.message, b.awsCode, b.field);
  }
  return new ApiError(response.status, `HTTP_${response.status}`, `${response.status} ${response.statusText}`.trim());
}

/** Creates a client; only `src/lib/api/*` uses it. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function raw(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = options.getToken();
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const target = buildUrl(options.baseUrl, path, opts.query);
    let response: Response;
    try {
      response = await doFetch(target, { method, headers, body, signal: opts.signal });
    } catch (cause) {
      if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
      throw new ApiError(0, 'NETWORK_ERROR', `Cannot reach ${new URL(target).origin}: is it running?`);
    }
    if (!response.ok) {
      const error = await errorFrom(response);
      if (response.status === 401) options.onUnauthorized(error);
      throw error;
    }
    return response;
  }

  return {
    baseUrl: options.baseUrl,
    raw,
    async request<T>(method: string, path: string, opts?: RequestOptions): Promise<T> {
      const response = await raw(method, path, opts);
      if (response.status === 204) return undefined as T;
      const text = await response.text();
      return (text === '' ? undefined : JSON.parse(text)) as T;
    },
    url: (path, query) => buildUrl(options.baseUrl, path, query),
  };
}
