import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AwsServiceError } from '../protocol/aws-error.js';
import type { JsonService } from '../protocol/json-service.js';
import type { QueryService } from '../protocol/query-service.js';
import { escapeXml } from '../protocol/xml.js';
import { browserRequestReason } from './browser-guard.js';
import { callerAccessKeyId, type CallLog } from './call-log.js';
import type { CallStats } from './call-stats.js';
import type { EndpointHandler, EndpointRequest, EndpointResponse } from './endpoint-types.js';
import type { HostAllowlist } from './host-allowlist.js';
import { checkRequestAuth, type AuthFailureKind } from './request-auth.js';
import { credentialScopeService } from './sigv4-scope.js';

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
const JSON_CONTENT_TYPES = new Set(['application/x-amz-json-1.1', 'application/x-amz-json-1.0', 'application/json']);

export interface RouterOptions {
  jsonServices: readonly JsonService[];
  queryServices: readonly QueryService[];
  stats: CallStats;
  /** Who called which action (`GET /_local/calls`). */
  callLog?: CallLog;
  /** Body of GET / and /health. */
  health: () => Record<string, unknown>;
  /** More members for GET /_local/stats (e.g. `sources`: an activity source's counters). */
  extraStats?: () => Record<string, unknown>;
  /** Host names answered; others get an AWS-shaped 403 (DNS rebinding). */
  hosts: HostAllowlist;
  log: (line: string) => void;
}

/** An operation name as AWS spells them; anything else never reaches a handler table. */
const OPERATION_NAME = /^[A-Z][A-Za-z0-9]{0,127}$/;

type Route = { kind: 'json'; service: JsonService } | { kind: 'query'; service: QueryService } | { kind: 'none' };

/**
 * Picks the service of a request (SigV4 scope first, then `X-Amz-Target`, then a form `Action`)
 * and answers in that service's wire shape, errors included.
 */
export function createRouter(options: RouterOptions): EndpointHandler {
  const bySigningName = new Map<string, Route>();
  const byTargetPrefix = new Map<string, JsonService>();
  for (const service of options.jsonServices) {
    bySigningName.set(service.signingName, { kind: 'json', service });
    byTargetPrefix.set(service.targetPrefix, service);
  }
  for (const service of options.queryServices) bySigningName.set(service.signingName, { kind: 'query', service });

  function route(headers: IncomingHttpHeaders, url: string): Route {
    const scope = credentialScopeService(headers, url);
    const scoped = scope ? bySigningName.get(scope) : undefined;
    if (scoped) return scoped;
    const target = headers['x-amz-target'];
    if (typeof target === 'string') {
      const service = byTargetPrefix.get(target.split('.')[0] ?? '');
      if (service) return { kind: 'json', service };
    }
    const contentType = mediaType(headers);
    if ((contentType === 'application/x-www-form-urlencoded' || url.includes('Action=')) && options.queryServices.length === 1) {
      return { kind: 'query', service: options.queryServices[0]! };
    }
    return { kind: 'none' };
  }

  async function handle(request: EndpointRequest): Promise<EndpointResponse> {
    options.stats.recordProtocol(request.httpVersion);
    const [path = '/', query] = splitUrl(request.url);
    const refusal = refuseForeignCaller(request);
    if (refusal) return refusal;
    const isServiceCall = request.headers['x-amz-target'] !== undefined || request.headers['authorization'] !== undefined || query !== undefined;
    if (request.method === 'GET' && ((path === '/' && !isServiceCall) || path === '/health')) return jsonBody(200, options.health());
    if (path.startsWith('/_local/')) return handleControl(request, path);
    const selected = route(request.headers, request.url);
    const auth = checkRequestAuth(request.headers, request.url);
    if (!auth.ok) return authError(selected, auth.kind, auth.message);
    if (selected.kind === 'json') return handleJson(selected.service, request);
    if (selected.kind === 'query') return handleQuery(selected.service, request);
    const scope = credentialScopeService(request.headers, request.url);
    return jsonError(
      400,
      'UnknownOperationException',
      scope
        ? `Service '${scope}' is not emulated here (available: ${[...bySigningName.keys()].join(', ')}).`
        : 'Could not tell which service this request is for: no SigV4 credential scope, X-Amz-Target or form Action.',
    );
  }

  /** A foreign Host (DNS rebinding) or a web page: refused before anything runs, without CORS headers. */
  function refuseForeignCaller(request: EndpointRequest): EndpointResponse | undefined {
    const host = options.hosts.refused(request.headers);
    const reason =
      host !== undefined
        ? `Host '${host.slice(0, 100)}' is not served by this endpoint (allowed: ${options.hosts.names.join(', ')}); add a name with --allow-host.`
        : browserRequestReason(request.headers);
    if (reason === undefined) return undefined;
    const selected = route(request.headers, request.url);
    if (selected.kind === 'query') return queryError(selected.service, 403, 'AccessDenied', reason);
    return jsonError(403, 'AccessDeniedException', reason, selected.kind === 'json' ? (selected.service.messageMember ?? 'message') : 'message');
  }

  /** `/_local/*`: signed like an AWS call (any credentials), answered in JSON. */
  function handleControl(request: EndpointRequest, path: string): EndpointResponse {
    const auth = checkRequestAuth(request.headers, request.url);
    if (!auth.ok) return authError({ kind: 'none' }, auth.kind, auth.message);
    if (path === '/_local/stats') {
      if (request.method === 'GET') return jsonBody(200, { ...options.stats.toJSON(), ...options.extraStats?.() });
      if (request.method === 'DELETE') {
        options.stats.reset();
        return jsonBody(200, options.stats.toJSON());
      }
      return jsonError(405, 'MethodNotAllowedException', `${path} answers GET and DELETE, not ${request.method}.`);
    }
    if (path === '/_local/calls' && options.callLog) {
      if (request.method === 'GET') return jsonBody(200, options.callLog.toJSON());
      if (request.method === 'DELETE') {
        options.callLog.reset();
        return jsonBody(200, options.callLog.toJSON());
      }
      return jsonError(405, 'MethodNotAllowedException', `${path} answers GET and DELETE, not ${request.method}.`);
    }
    return jsonError(404, 'ResourceNotFoundException', `No control endpoint ${path.slice(0, 100)} (there are /_local/stats and /_local/calls).`);
  }

  function authError(selected: Route, kind: AuthFailureKind, message: string): EndpointResponse {
    if (selected.kind === 'query') {
      const [code, status] = kind === 'missing' ? ['MissingAuthenticationToken', 403] : kind === 'expired' ? ['RequestExpired', 400] : ['IncompleteSignature', 400];
      return queryError(selected.service, status, code, message);
    }
    const code = kind === 'missing' ? 'MissingAuthenticationTokenException' : kind === 'expired' ? 'InvalidSignatureException' : 'IncompleteSignatureException';
    return jsonError(403, code, message, selected.kind === 'json' ? (selected.service.messageMember ?? 'message') : 'message');
  }

  async function handleJson(service: JsonService, request: EndpointRequest): Promise<EndpointResponse> {
    const messageMember = service.messageMember ?? 'message';
    const fail = (error: AwsServiceError): EndpointResponse => jsonError(error.status, error.code, error.message, messageMember);
    if (request.method !== 'POST') return fail(new AwsServiceError('UnknownOperationException', `${service.name} expects POST, got ${request.method}.`));
    const target = request.headers['x-amz-target'];
    const [prefix, operation, ...rest] = typeof target === 'string' ? target.split('.') : [];
    if (prefix !== service.targetPrefix || !operation || rest.length > 0 || !OPERATION_NAME.test(operation)) {
      return fail(new AwsServiceError('UnknownOperationException', `X-Amz-Target must be '${service.targetPrefix}.<Operation>' for ${service.name}.`));
    }
    const contentType = mediaType(request.headers);
    if (contentType === 'application/x-amz-cbor-1.1') {
      return fail(new AwsServiceError('SerializationException', 'CBOR is not supported by the emulator; send JSON (AWS_CBOR_DISABLE=1 for Java/KCL).'));
    }
    if (!contentType || !JSON_CONTENT_TYPES.has(contentType)) {
      return fail(new AwsServiceError('SerializationException', `Content-Type must be ${JSON_CONTENT_TYPE}, got '${contentType ?? ''}'.`));
    }
    let input: unknown;
    try {
      input = request.body.length === 0 ? {} : JSON.parse(request.body.toString('utf8'));
    } catch {
      return fail(new AwsServiceError('SerializationException', 'The request body is not valid JSON.'));
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return fail(new AwsServiceError('SerializationException', 'The request body must be a JSON object.'));
    }
    options.stats.record(service.name, operation);
    options.callLog?.record(callerAccessKeyId(request.headers, request.url), service.signingName, operation);
    try {
      const output = await service.handle(operation, input as Record<string, unknown>);
      return jsonBody(200, output ?? {});
    } catch (error) {
      if (error instanceof AwsServiceError) return fail(error);
      options.log(`${service.name}.${operation} failed: ${(error as Error).stack ?? String(error)}`);
      return jsonError(500, 'InternalFailure', `Internal error in the local ${service.name} emulator while running ${operation}.`, messageMember);
    }
  }

  async function handleQuery(service: QueryService, request: EndpointRequest): Promise<EndpointResponse> {
    const fail = (error: AwsServiceError): EndpointResponse => queryError(service, error.status, error.code, error.message);
    if (request.method !== 'POST' && request.method !== 'GET') {
      return fail(new AwsServiceError('InvalidAction', `${service.name} expects POST or GET, got ${request.method}.`));
    }
    const params = parseQueryParams(request);
    if (!params) return fail(new AwsServiceError('MalformedQueryString', 'The form body could not be parsed as application/x-www-form-urlencoded.'));
    if (typeof params === 'string') {
      return fail(new AwsServiceError('InvalidParameterCombination', `The parameter ${params.slice(0, 100)} is given more than once with different values.`));
    }
    const action = params.get('Action');
    if (!action) return fail(new AwsServiceError('MissingAction', 'The request must contain the parameter Action.'));
    if (!OPERATION_NAME.test(action)) return fail(new AwsServiceError('InvalidAction', 'The Action parameter is not a valid operation name.'));
    options.stats.record(service.name, action);
    options.callLog?.record(callerAccessKeyId(request.headers, request.url), service.signingName, action);
    try {
      const inner = await service.handle(action, params);
      const body =
        `<${action}Response xmlns="${service.xmlNamespace}"><${action}Result>${inner}</${action}Result>` +
        `<ResponseMetadata><RequestId>${REQUEST_ID_PLACEHOLDER}</RequestId></ResponseMetadata></${action}Response>`;
      return xmlBody(200, body);
    } catch (error) {
      if (error instanceof AwsServiceError) return fail(error);
      options.log(`${service.name}.${action} failed: ${(error as Error).stack ?? String(error)}`);
      return queryError(service, 500, 'InternalFailure', `Internal error in the local ${service.name} emulator while running ${action}.`);
    }
  }

  function transportError(headers: IncomingHttpHeaders, status: number, code: string, message: string): EndpointResponse {
    const selected = route(headers, '/');
    if (selected.kind === 'query') return queryError(selected.service, status, code, message);
    return jsonError(status, code, message, selected.kind === 'json' ? (selected.service.messageMember ?? 'message') : 'message');
  }

  return { handle, transportError };
}

const REQUEST_ID_PLACEHOLDER = '\u0000request-id\u0000';

function splitUrl(url: string): [string, string | undefined] {
  const start = url.indexOf('?');
  return start < 0 ? [url, undefined] : [url.slice(0, start), url.slice(start + 1)];
}

/** The form parameters of query string and body; the name of a parameter given twice with different values; undefined if not a form. */
function parseQueryParams(request: EndpointRequest): Map<string, string> | string | undefined {
  const params = new Map<string, string>();
  const queryStart = request.url.indexOf('?');
  const sources = [queryStart >= 0 ? request.url.slice(queryStart + 1) : '', request.body.toString('utf8')];
  for (const source of sources) {
    if (!source) continue;
    // URLSearchParams never throws; reject bodies that are plainly not a form (JSON, binary).
    if (!looksLikeForm(source.replace(/[\r\n]+$/, ''))) return undefined;
    for (const [key, value] of new URLSearchParams(source)) {
      const earlier = params.get(key);
      if (earlier !== undefined && earlier !== value) return key;
      params.set(key, value);
    }
  }
  return params;
}

/** Form bodies are URL-encoded: no raw control characters, quotes, braces or angle brackets. */
function looksLikeForm(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f || '{}<>"\\'.includes(text[index]!)) return false;
  }
  return true;
}

function mediaType(headers: IncomingHttpHeaders): string | undefined {
  const value = headers['content-type'];
  return typeof value === 'string' ? value.split(';')[0]!.trim().toLowerCase() : undefined;
}

function jsonBody(status: number, value: unknown): EndpointResponse {
  return {
    status,
    headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify(value),
  };
}

function jsonError(status: number, code: string, message: string, messageMember: 'message' | 'Message' = 'message'): EndpointResponse {
  const response = jsonBody(status, { __type: code, [messageMember]: message });
  response.headers['x-amzn-errortype'] = code;
  return response;
}

function xmlBody(status: number, body: string): EndpointResponse {
  const requestId = randomUUID();
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${body.replace(REQUEST_ID_PLACEHOLDER, requestId)}`,
  };
}

function queryError(service: QueryService, status: number, code: string, message: string): EndpointResponse {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return xmlBody(
    status,
    `<ErrorResponse xmlns="${service.xmlNamespace}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code>` +
      `<Message>${escapeXml(message)}</Message></Error><RequestId>${REQUEST_ID_PLACEHOLDER}</RequestId></ErrorResponse>`,
  );
}

