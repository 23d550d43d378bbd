import fc from 'fast-check';
import type { HttpRoute } from '@das/contracts';
import { edgeNumberText, hostileBody, hostileJsonValue, hostileParam } from './hostile-values.js';

/** One generated request, ready to send. */
export interface FuzzRequest {
  route: string;
  method: string;
  /** Path and query, already encoded as a client would put them on the wire (or mangled). */
  target: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

/** Property names of an object schema (TypeBox keeps them under `properties`). */
function propertiesOf(schema: unknown): string[] {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties === undefined ? [] : Object.keys(properties);
}

/** Percent-encodes the UTF-8 bytes of every character `keep` does not match (lone surrogates as U+FFFD). */
function percentEncode(text: string, keep: RegExp): string {
  let out = '';
  for (const char of text) {
    if (keep.test(char)) out += char;
    else for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A segment or value as a client encodes it, or as a careless one does not (a bare `%` stays bad). */
const encoded = (value: fc.Arbitrary<string>) =>
  fc.tuple(value, fc.constantFrom('encoded', 'raw', 'double')).map(([text, how]) => {
    if (how === 'raw') return percentEncode(text, /^[\x21-\x7e]$/u).replace(/[#?/&=]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const once = percentEncode(text, /^[A-Za-z0-9\-_.~]$/u);
    return how === 'double' ? percentEncode(once, /^[A-Za-z0-9\-_.~]$/u) : once;
  });

function pathOf(route: HttpRoute): fc.Arbitrary<string> {
  const segments = route.path.split('/').map((segment) => (segment.startsWith(':') ? encoded(hostileParam) : fc.constant(segment)));
  return fc.tuple(...segments).map((parts) => parts.join('/'));
}

function queryOf(route: HttpRoute): fc.Arbitrary<string> {
  const known = propertiesOf(route.querystring);
  const key = known.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }) : fc.string({ maxLength: 12 });
  const pair = fc.tuple(key, encoded(hostileParam), fc.integer({ min: 1, max: 3 })).map(([k, v, times]) =>
    // Duplicated parameters: the same key up to three times.
    Array.from({ length: times }, () => `${percentEncode(k, /^[A-Za-z0-9\-_.~]$/u)}=${v}`).join('&'),
  );
  return fc.oneof({ weight: 1, arbitrary: fc.constant('') }, { weight: 4, arbitrary: fc.array(pair, { minLength: 1, maxLength: 5 }).map((pairs) => `?${pairs.join('&')}`) });
}

function headersOf(token: string): fc.Arbitrary<Record<string, string>> {
  const authorization = fc.oneof(
    { weight: 8, arbitrary: fc.constant(`Bearer ${token}`) },
    { weight: 1, arbitrary: fc.constantFrom('', 'Bearer', 'Bearer wrong-token-0123456789', `Basic ${Buffer.from('a:b').toString('base64')}`, `bearer  ${token}x`, `Bearer ${'t'.repeat(10_000)}`) },
  );
  const contentType = fc.constantFrom(
    'application/json',
    'application/json',
    'application/json; charset=utf-16',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    'garbage/;;;',
  );
  return fc.record({ authorization, contentType, accept: fc.constantFrom('application/json', '*/*', 'text/event-stream', 'text/html') }).map(({ authorization: auth, contentType: type, accept }) => ({
    ...(auth === '' ? {} : { authorization: auth }),
    'content-type': type,
    accept,
  }));
}

/** A body shaped like the route's body schema with hostile values, or any hostile body. */
function bodyOf(route: HttpRoute): fc.Arbitrary<Uint8Array | undefined> {
  const fields = propertiesOf(route.body);
  const shaped = fields.length === 0 ? hostileJsonValue : fc.dictionary(fc.constantFrom(...fields), fc.oneof(hostileJsonValue, edgeNumberText.map(Number)), { maxKeys: fields.length + 1 });
  const methodTakesBody = route.method !== 'GET';
  return fc.oneof({ weight: methodTakesBody ? 1 : 4, arbitrary: fc.constant(undefined) }, { weight: methodTakesBody ? 4 : 1, arbitrary: hostileBody(shaped) });
}

/** Requests aimed at one route of a contract table: its path with hostile parameters, query, headers and body. */
export function requestFor(name: string, route: HttpRoute, token: string): fc.Arbitrary<FuzzRequest> {
  const method = fc.oneof({ weight: 6, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH') });
  return fc.record({ method, path: pathOf(route), query: queryOf(route), headers: headersOf(token), body: bodyOf(route) }).map(({ method: verb, path, query, headers, body }) => ({
    route: name,
    method: verb,
    target: `${path}${query}`,
    headers,
    // GET with a body is legal on the wire; fetch refuses it, so it goes out without.
    ...(body === undefined || verb === 'GET' ? {} : { body }),
  }));
}

/** Requests spread over every route of a table. */
export function requestsFor(routes: Record<string, HttpRoute>, token: string): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(...Object.entries(routes).map(([name, route]) => requestFor(name, route, token)));
}
