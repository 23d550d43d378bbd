import type { AlertSeverity } from '@das/core/alerts';
import type { AttemptResult, Delivery, DeliveryStore } from './delivery-store.js';
import { retryDelayMs, type BackoffOptions } from './retry-backoff.js';
import { sendWebhook, type WebhookRequest, type WebhookResponse } from './send-webhook.js';
import { buildWebhookBody, type WebhookAlert, type WebhookFormat } from './webhook-payload.js';
import { ATTEMPT_HEADER, DELIVERY_HEADER, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './webhook-signature.js';

/** Where alerts go. */
export interface WebhookEndpoint {
  /** Stable id: part of each delivery's id. */
  id: string;
  url: string;
  /** HMAC key of the `X-DAS-Signature` header. */
  secret: string;
  /** Default `json`. */
  format?: WebhookFormat;
  /** Only alerts of this severity or above (default all). */
  minSeverity?: AlertSeverity;
}

export interface DeliveryLoopOptions {
  store: DeliveryStore;
  endpoints: readonly WebhookEndpoint[];
  /** Attempts under way at once, across endpoints (default 4). */
  concurrency?: number;
  /** How often the store is asked for due deliveries, ms (default 1 000). */
  pollIntervalMs?: number;
  /** Per attempt, ms (default 10 000). */
  timeoutMs?: number;
  /** Attempts before a delivery is dead (default 8). */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  now?: () => number;
  random?: () => number;
  /** The HTTP call (default {@link sendWebhook}). */
  send?: (request: WebhookRequest) => Promise<WebhookResponse>;
  /** Store failures; the loop goes on. */
  onError?: (error: unknown) => void;
}

export interface DeliveryLoop {
  /**
   * Records deliveries of an alert to every endpoint that wants it and wakes the loop; sends
   * nothing itself, so the stream never waits on a receiver. Resolves to the number of new
   * deliveries (0 when the alert was already queued).
   */
  enqueue(alert: WebhookAlert): Promise<number>;
  /** Starts polling the store. */
  start(): void;
  /** Stops polling and waits for the attempts under way (each bounded by the timeout). */
  stop(): Promise<void>;
}

const SEVERITY_RANK: Readonly<Record<AlertSeverity, number>> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/**
 * Sends alerts to webhooks from a {@link DeliveryStore}: signed (`X-DAS-Signature`,
 * `X-DAS-Timestamp`), at most `concurrency` at once, each attempt cut off after `timeoutMs`,
 * retried with exponential back-off and jitter (a `Retry-After` is honoured up to the back-off
 * cap), and marked dead with its last error after `maxAttempts`.
 */
export function createDeliveryLoop(options: DeliveryLoopOptions): DeliveryLoop {
  const { store } = options;
  const endpoints = new Map(options.endpoints.map((e) => [e.id, e]));
  const concurrency = options.concurrency ?? 4;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const maxDelayMs = options.backoff?.maxMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const send = options.send ?? sendWebhook;
  const onError = options.onError ?? (() => {});

  const inFlight = new Set<Promise<void>>();
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let pumping: Promise<void> | undefined;
  let pumpAgain = false;

  /** A custom `send` that throws counts as a failed attempt, like a refused connection. */
  async function sendSafely(request: WebhookRequest): Promise<WebhookResponse> {
    try {
      return await send(request);
    } catch (error) {
      return { ok: false, status: null, error: error instanceof Error ? error.message : String(error), retryAfterMs: null };
    }
  }

  async function attempt(delivery: Delivery): Promise<void> {
    const endpoint = endpoints.get(delivery.endpointId);
    const attemptNo = delivery.attempts + 1;
    let response: WebhookResponse;
    if (endpoint === undefined) {
      response = { ok: false, status: null, error: `endpoint ${delivery.endpointId} is not configured`, retryAfterMs: null };
    } else {
      const timestamp = Math.floor(now() / 1000);
      response = await sendSafely({
        url: endpoint.url,
        body: delivery.body,
        timeoutMs,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'das-toolkit-alerts/1',
          [SIGNATURE_HEADER]: signWebhook(endpoint.secret, timestamp, delivery.body),
          [TIMESTAMP_HEADER]: String(timestamp),
          [DELIVERY_HEADER]: delivery.id,
          [ATTEMPT_HEADER]: String(attemptNo),
        },
      });
    }
    const at = now();
    const result: AttemptResult = { at, status: response.status, error: response.error, outcome: 'delivered' };
    if (!response.ok) {
      if (endpoint === undefined || attemptNo >= maxAttempts) result.outcome = 'dead';
      else {
        result.outcome = 'retry';
        const delay = Math.max(retryDelayMs(attemptNo, options.backoff, random), Math.min(response.retryAfterMs ?? 0, maxDelayMs));
        result.nextAttemptAt = at + delay;
      }
    }
    await store.markAttempt(delivery.id, result);
  }

  async function pumpOnce(): Promise<void> {
    const free = concurrency - inFlight.size;
    if (!running || free <= 0) return;
    // The lease outlives the attempt: nothing else takes the delivery while it runs.
    const due = await store.due(now(), free, timeoutMs + 5000);
    for (const delivery of due) {
      const task = attempt(delivery)
        .catch(onError)
        .finally(() => {
          inFlight.delete(task);
          void pump();
        });
      inFlight.add(task);
    }
  }

  /** Starts due attempts; concurrent calls coalesce into one more pass. */
  function pump(): Promise<void> {
    if (pumping !== undefined) {
      pumpAgain = true;
      return pumping;
    }
    pumping = (async () => {
      do {
        pumpAgain = false;
        try {
          await pumpOnce();
        } catch (error) {
          onError(error);
        }
      } while (pumpAgain);
    })().finally(() => {
      pumping = undefined;
    });
    return pumping;
  }

  function schedule(): void {
    if (!running) return;
    timer = setTimeout(() => {
      void pump().finally(schedule);
    }, pollIntervalMs);
    // Pending deliveries must not keep a process alive that is otherwise done.
    timer.unref();
  }

  return {
    async enqueue(alert) {
      let added = 0;
      const createdAt = now();
      for (const endpoint of endpoints.values()) {
        if (endpoint.minSeverity !== undefined && SEVERITY_RANK[alert.severity] < SEVERITY_RANK[endpoint.minSeverity]) continue;
        const fresh = await store.enqueue({
          id: `${alert.id}:${endpoint.id}`,
          alertId: alert.id,
          endpointId: endpoint.id,
          body: buildWebhookBody(alert, endpoint.format),
          createdAt,
          nextAttemptAt: createdAt,
        });
        if (fresh) added += 1;
      }
      if (added > 0 && running) void pump();
      return added;
    },

    start() {
      if (running) return;
      running = true;
      void pump();
      schedule();
    },

    async stop() {
      running = false;
      clearTimeout(timer);
      await pumping;
      await Promise.all([...inFlight]);
    },
  };
}
