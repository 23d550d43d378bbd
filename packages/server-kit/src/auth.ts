import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { LIVE_TOKEN_SUBPROTOCOL_PREFIX } from '@das/contracts';
import { tokensEqual } from './token.js';

export interface BearerAuthOptions {
  token: string;
  /** Paths (without query) that answer without a token, e.g. `/healthz`. */
  publicPaths?: readonly string[];
  /**
   * WebSocket paths (exact) whose upgrade request may carry the token another way, since browsers
   * cannot set headers on a WebSocket: the subprotocol `das.bearer.<token>` (kept out of URLs and
   * logs), or `?token=` for older clients.
   */
  queryTokenPaths?: readonly string[];
  /** Paths under this prefix are public (static console assets). */
  publicPrefixes?: readonly string[];
}


/** Reads the bearer token of a request: the Authorization header, or on a WebSocket upgrade where allowed, its subprotocol or `?token=`. */
export function requestToken(request: FastifyRequest, queryTokenPaths: readonly string[] = []): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(.+)$/i.exec(header);
    return match?.[1]?.trim();
  }
  const path = request.url.split('?', 1)[0] ?? '';
  const upgrade = request.headers.upgrade?.toLowerCase() === 'websocket';
  if (!upgrade || !queryTokenPaths.includes(path)) return undefined;
  const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const carried = offered.find((p) => p.startsWith(LIVE_TOKEN_SUBPROTOCOL_PREFIX));
  if (carried !== undefined) return carried.slice(LIVE_TOKEN_SUBPROTOCOL_PREFIX.length);
  const token = (request.query as Record<string, unknown> | undefined)?.token;
  return typeof token === 'string' ? token : undefined;
}

/**
 * Every route needs `Authorization: Bearer <token>` except the public ones. Failures answer 401
 * in the one error shape `{code, message}`.
 */
export const bearerAuth = fp(
  async (app, options: BearerAuthOptions) => {
    const publicPaths = new Set(options.publicPaths ?? []);
    const publicPrefixes = options.publicPrefixes ?? [];
    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.method === 'OPTIONS') return;
      const path = request.url.split('?', 1)[0] ?? '';
      if (publicPaths.has(path) || publicPrefixes.some((prefix) => path.startsWith(prefix))) return;
      const given = requestToken(request, options.queryTokenPaths);
      if (given && tokensEqual(given, options.token)) return;
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="das"')
        .send({ code: 'UNAUTHENTICATED', message: given ? 'the token is wrong' : 'a bearer token is required (Authorization: Bearer <token>)' });
    });
  },
  { name: 'das-bearer-auth', fastify: '5.x' },
);
