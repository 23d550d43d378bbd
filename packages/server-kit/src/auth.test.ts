import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { bearerAuth } from './auth.js';

const apps: ReturnType<typeof Fastify>[] = [];
async function buildApp() {
  const app = Fastify();
  apps.push(app);
  await app.register(bearerAuth, { token: 's3cret', publicPaths: ['/healthz'], queryTokenPaths: ['/live'] });
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/things', async () => ({ things: [] }));
  app.get('/live', async () => ({ live: true }));
  app.get('/livex', async () => ({ live: false }));
  return app;
}
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

describe('bearerAuth', () => {
  it('lets public paths through without a token', async () => {
    const app = await buildApp();
    expect((await app.inject('/healthz')).statusCode).toBe(200);
  });

  it('answers 401 in the error shape without a token or with a wrong one', async () => {
    const app = await buildApp();
    const missing = await app.inject('/things');
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(missing.headers['www-authenticate']).toContain('Bearer');
    const wrong = await app.inject({ url: '/things', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().message).toContain('wrong');
  });

  it('accepts the right bearer token', async () => {
    const app = await buildApp();
    const res = await app.inject({ url: '/things', headers: { authorization: 'Bearer s3cret' } });
    expect(res.statusCode).toBe(200);
  });

  it('accepts ?token= only on a WebSocket upgrade of exactly the paths that allow it', async () => {
    const app = await buildApp();
    const upgrade = { upgrade: 'websocket', connection: 'Upgrade' };
    expect((await app.inject({ url: '/live?token=s3cret', headers: upgrade })).statusCode).toBe(200);
    expect((await app.inject('/live?token=s3cret')).statusCode).toBe(401);
    expect((await app.inject({ url: '/livex?token=s3cret', headers: upgrade })).statusCode).toBe(401);
    expect((await app.inject({ url: '/things?token=s3cret', headers: upgrade })).statusCode).toBe(401);
  });

  it('takes the token from the das.bearer.<token> subprotocol of a WebSocket upgrade, keeping it out of the URL', async () => {
    const app = await buildApp();
    const offer = (protocols: string) => app.inject({ url: '/live', headers: { upgrade: 'websocket', 'sec-websocket-protocol': protocols } });
    expect((await offer('das.v1, das.bearer.s3cret')).statusCode).toBe(200);
    expect((await offer('das.v1, das.bearer.nope')).statusCode).toBe(401);
    expect((await offer('das.v1')).statusCode).toBe(401);
  });
});
