import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDeliveryLoop, type DeliveryLoop, type WebhookEndpoint } from './delivery-loop.js';
import type { Delivery, DeliveryStore } from './delivery-store.js';
import { createMemoryDeliveryStore } from './memory-delivery-store.js';
import type { WebhookAlert } from './webhook-payload.js';
import { verifySignature } from './webhook-signature.js';

const SECRET = 'whsec_test';

const alert = (id: string, severity: WebhookAlert['severity'] = 'high'): WebhookAlert => ({
  id,
  ruleId: 'failed-login-burst',
  severity,
  title: '5 failed logins for app from 203.0.113.9',
  firstTime: '2026-11-25T02:23:25.000Z',
  lastTime: '2026-11-25T02:24:45.000Z',
  eventIds: [1, 2, 3, 4, 5],
  eventCount: 5,
});

interface Received {
  body: string;
  verified: boolean;
  attempt: string | undefined;
  delivery: string | undefined;
}

interface Receiver {
  url: string;
  received: Received[];
  server: Server;
}

const servers: Server[] = [];
const loops: DeliveryLoop[] = [];

/** A local receiver on 127.0.0.1 (port 0) that answers each request with `respond`. */
async function receiver(respond: (n: number, req: IncomingMessage) => number | 'hang'): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const header = (name: string) => req.headers[name] as string | undefined;
      const verified = verifySignature({ secret: SECRET, body, timestamp: header('x-das-timestamp'), signature: header('x-das-signature') }).ok;
      received.push({ body, verified, attempt: header('x-das-attempt'), delivery: header('x-das-delivery') });
      const status = respond(received.length, req);
      if (status === 'hang') return;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 300 ? 'receiver says no' : 'ok');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, server };
}

/** A URL on which nothing listens: a port that was just free. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hook`;
}

function startLoop(store: DeliveryStore, endpoints: WebhookEndpoint[], overrides: Partial<Parameters<typeof createDeliveryLoop>[0]> = {}) {
  const loop = createDeliveryLoop({
    store,
    endpoints,
    pollIntervalMs: 20,
    timeoutMs: 300,
    maxAttempts: 3,
    backoff: { baseMs: 20, maxMs: 80 },
    ...overrides,
  });
  loops.push(loop);
  loop.start();
  return loop;
}

async function finished(store: DeliveryStore, id: string): Promise<Delivery> {
  return vi.waitFor(
    async () => {
      const [delivery] = (await store.list()).filter((d) => d.id === id);
      if (delivery === undefined || delivery.status === 'pending') throw new Error(`${id} still pending`);
      return delivery;
    },
    { timeout: 5000, interval: 10 },
  );
}

afterEach(async () => {
  await Promise.all(loops.splice(0).map((loop) => loop.stop()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

describe('createDeliveryLoop', () => {
  it('retries a receiver that fails at first until it accepts, every attempt signed', async () => {
    const flaky = await receiver((n) => (n <= 2 ? 503 : 200));
    const store = createMemoryDeliveryStore();
    const loop = startLoop(store, [{ id: 'ops', url: flaky.url, secret: SECRET }]);
    expect(await loop.enqueue(alert('a1'))).toBe(1);
    const delivery = await finished(store, 'a1:ops');
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 200, lastError: null });
    expect(flaky.received.map((r) => [r.attempt, r.delivery, r.verified])).toEqual([
      ['1', 'a1:ops', true],
      ['2', 'a1:ops', true],
      ['3', 'a1:ops', true],
    ]);
    expect(JSON.parse(flaky.received[2]?.body ?? '')).toMatchObject({ type: 'das.alert', alert: { id: 'a1', ruleId: 'failed-login-burst' } });
  });

  it('cuts off a hanging receiver at the timeout and gives up after the last attempt, without holding up others', async () => {
    const hanging = await receiver(() => 'hang');
    const healthy = await receiver(() => 204);
    const store = createMemoryDeliveryStore();
    const loop = startLoop(store, [
      { id: 'hangs', url: hanging.url, secret: SECRET },
      { id: 'works', url: healthy.url, secret: SECRET },
    ]);
    const started = Date.now();
    await loop.enqueue(alert('a2'));
    // The enqueue only records; it never waits for a receiver.
    expect(Date.now() - started).toBeLessThan(100);
    expect(await finished(store, 'a2:works')).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(hanging.received.length).toBeLessThanOrEqual(1);
    const dead = await finished(store, 'a2:hangs');
    expect(dead).toMatchObject({ status: 'dead', attempts: 3, lastStatus: null });
    expect(dead.lastError).toMatch(/timed out after 300 ms/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('marks a delivery to a receiver that is down dead with the connection error', async () => {
    const store = createMemoryDeliveryStore();
    startLoop(store, [{ id: 'down', url: await closedPortUrl(), secret: SECRET }]).enqueue(alert('a3'));
    const dead = await finished(store, 'a3:down');
    expect(dead).toMatchObject({ status: 'dead', attempts: 3, lastStatus: null });
    expect(dead.lastError).toMatch(/ECONNREFUSED/);
    expect(await store.list({ status: 'dead' })).toHaveLength(1);
  });

  it('keeps the last HTTP error of a receiver that always refuses', async () => {
    const refusing = await receiver(() => 500);
    const store = createMemoryDeliveryStore();
    startLoop(store, [{ id: 'r', url: refusing.url, secret: SECRET }]).enqueue(alert('a4'));
    expect(await finished(store, 'a4:r')).toMatchObject({ status: 'dead', attempts: 3, lastStatus: 500, lastError: 'HTTP 500: receiver says no' });
  });

  it('queues an alert once per endpoint, skips endpoints above its severity, sends Slack payloads', async () => {
    const slack = await receiver(() => 200);
    const store = createMemoryDeliveryStore();
    const loop = startLoop(store, [
      { id: 'slack', url: slack.url, secret: SECRET, format: 'slack' },
      { id: 'pager', url: slack.url, secret: SECRET, minSeverity: 'critical' },
    ]);
    expect(await loop.enqueue(alert('a5'))).toBe(1);
    expect(await loop.enqueue(alert('a5'))).toBe(0);
    await finished(store, 'a5:slack');
    expect(JSON.parse(slack.received[0]?.body ?? '')).toMatchObject({ text: '[HIGH] 5 failed logins for app from 203.0.113.9' });
    expect((await store.list()).map((d) => d.id)).toEqual(['a5:slack']);
  });

  it('never has more attempts under way than its concurrency', async () => {
    let open = 0;
    let most = 0;
    const store = createMemoryDeliveryStore();
    const loop = startLoop(store, [{ id: 'e', url: 'http://unused', secret: SECRET }], {
      concurrency: 2,
      send: async () => {
        open += 1;
        most = Math.max(most, open);
        await new Promise((resolve) => setTimeout(resolve, 15));
        open -= 1;
        return { ok: true, status: 200, error: null, retryAfterMs: null };
      },
    });
    for (let i = 0; i < 8; i += 1) await loop.enqueue(alert(`c${i}`));
    await Promise.all(Array.from({ length: 8 }, (_, i) => finished(store, `c${i}:e`)));
    expect(most).toBe(2);
  });

  it('counts a send that throws as a failed attempt', async () => {
    const store = createMemoryDeliveryStore();
    startLoop(store, [{ id: 'e', url: 'http://unused', secret: SECRET }], {
      send: async () => {
        throw new Error('socket exploded');
      },
    }).enqueue(alert('t1'));
    expect(await finished(store, 't1:e')).toMatchObject({ status: 'dead', attempts: 3, lastError: 'socket exploded' });
  });

  it('delivers what an earlier loop left pending (a restart), from the same store', async () => {
    const ok = await receiver(() => 200);
    const store = createMemoryDeliveryStore();
    const endpoints = [{ id: 'ops', url: ok.url, secret: SECRET }];
    await createDeliveryLoop({ store, endpoints }).enqueue(alert('a6'));
    expect(await store.list({ status: 'pending' })).toHaveLength(1);
    startLoop(store, endpoints);
    expect(await finished(store, 'a6:ops')).toMatchObject({ status: 'delivered' });
    expect(ok.received).toHaveLength(1);
  });
});
