import { describe, expect, it, vi } from 'vitest';
import { ApiError, createHttpClient } from './http.js';

function respond(status: number, body: unknown) {
  return vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => new Response(body === undefined ? null : JSON.stringify(body), { status }));
}

describe('createHttpClient', () => {
  it('sends the bearer token and JSON, and builds the query', async () => {
    const fetch = respond(200, { ok: true });
    const http = createHttpClient({ baseUrl: 'http://api.test/', getToken: () => 'secret', onUnauthorized: () => {}, fetch });
    await http.request('POST', '/keys', { body: { alias: 'a' }, query: { limit: 5, cursor: undefined } });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('http://api.test/keys?limit=5');
    expect(init?.headers).toMatchObject({ authorization: 'Bearer secret', 'content-type': 'application/json' });
    expect(init?.body).toBe('{"alias":"a"}');
  });

  it('turns the error body into an ApiError with code, AWS code and field', async () => {
    const http = createHttpClient({
      baseUrl: 'http://api.test',
      getToken: () => 't',
      onUnauthorized: () => {},
      fetch: respond(409, { code: 'ALREADY_EXISTS', message: 'alias exists', awsCode: 'AlreadyExistsException', field: '/body/alias' }),
    });
    const error = await http.request('POST', '/keys').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: 'ALREADY_EXISTS', message: 'alias exists', awsCode: 'AlreadyExistsException', field: '/body/alias' });
  });

  it('calls onUnauthorized on a 401', async () => {
    const onUnauthorized = vi.fn();
    const http = createHttpClient({ baseUrl: 'http://api.test', getToken: () => 'bad', onUnauthorized, fetch: respond(401, { code: 'UNAUTHORIZED', message: 'no' }) });
    await expect(http.request('GET', '/keys')).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it('says which service cannot be reached', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const http = createHttpClient({ baseUrl: 'http://127.0.0.1:7401', getToken: () => null, onUnauthorized: () => {}, fetch });
    await expect(http.request('GET', '/events')).rejects.toMatchObject({ code: 'NETWORK_ERROR', message: 'Cannot reach http://127.0.0.1:7401: is it running?' });
  });
});
