import { afterEach, describe, expect, it } from 'vitest';
import { builtInRules, normaliseEvents } from '@das/core';
import { buildMysqlEvent, buildPayload } from '@das/core/fixtures';
import type { Alert, StoredEvent } from '@das/contracts';
import { tempDir } from '../../test/support/worker-harness.js';
import { createDuckDbEventStore } from '../store/duckdb-event-store.js';
import type { EventStore } from '../store/event-store.js';
import { createAlertEvaluator, RULE_ENGINE_STATE_KEY, type AlertEvaluator } from './alert-evaluator.js';

const RULES = builtInRules().filter((rule) => rule.id === 'failed-login-burst');
const BASE_MS = Date.parse('2026-12-02T10:00:00Z');

/** A refused login of app from 10.0.0.9, `seconds` after the base time. */
function failedLogin(seconds: number) {
  const iso = new Date(BASE_MS + seconds * 1000).toISOString();
  return buildMysqlEvent({
    logTime: `${iso.slice(0, 10)} ${iso.slice(11, 23)}000+00`,
    dbUserName: 'app',
    remoteHost: '10.0.0.9',
    command: 'FAILED_CONNECT',
    commandText: '',
    exitCode: '1045',
    errorMessage: "Access denied for user 'app'@'10.0.0.9'",
  });
}

describe('alert evaluator', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup() {
    const dir = await tempDir();
    cleanups.push(() => dir.remove());
    let sequence = 0;
    const published: Alert[] = [];
    const errors: unknown[] = [];
    let store: EventStore | undefined;
    let evaluator: AlertEvaluator | undefined;
    return {
      published,
      errors,
      /** Opens the store and starts an evaluator on it, as a (re)started worker does. */
      async start(keepState = true) {
        store = await createDuckDbEventStore({ path: `${dir.path}/events.duckdb` });
        if (!keepState) await store.alerts.writeState(RULE_ENGINE_STATE_KEY, null);
        evaluator = createAlertEvaluator({ store, rules: RULES, onAlerts: (alerts) => published.push(...alerts), onError: (error) => errors.push(error), saveIntervalMs: 0 });
        await evaluator.start();
        cleanups.push(async () => store?.close());
      },
      /** Stores failed logins; evaluates them unless the worker "crashes" before it can. */
      async store(seconds: number[], evaluate = true): Promise<StoredEvent[]> {
        const records = seconds.map((s) => ({ sequenceNumber: String((sequence += 1)), arrivedAtMs: null, events: normaliseEvents(buildPayload([failedLogin(s)])) }));
        const { stored } = await (store as EventStore).append({ streamKey: 's@1', shardId: 'shard-a', records });
        if (evaluate) evaluator?.evaluate(stored);
        return stored;
      },
      async stop() {
        await evaluator?.stop();
        await store?.close();
      },
      async crash() {
        await store?.close();
      },
      async alerts() {
        const reopened = store as EventStore;
        return (await reopened.alerts.list({ limit: 100 })).alerts;
      },
      drained: () => evaluator?.stop(),
    };
  }

  it('raises an alert once when a restart falls in the middle of its window', async () => {
    const worker = await setup();
    await worker.start();
    await worker.store([0, 10, 20]);
    await worker.stop();

    await worker.start();
    const last = await worker.store([30, 40]);
    await worker.drained();
    const alerts = await worker.alerts();
    expect(alerts.map((a) => [a.ruleId, a.eventCount])).toEqual([['failed-login-burst', 5]]);
    expect(alerts[0]?.eventIds).toContain(last[1]?.id);
    expect(worker.published.map((a) => a.id)).toEqual([alerts[0]?.id]);

    // Later restarts raise nothing more.
    await worker.stop();
    await worker.start();
    await worker.store([50]);
    await worker.drained();
    expect(await worker.alerts()).toHaveLength(1);
    expect(worker.errors).toEqual([]);
  });

  it('evaluates after a restart what was stored and never evaluated, and stores it once', async () => {
    const worker = await setup();
    await worker.start();
    await worker.store([0, 10, 20]);
    await worker.drained();
    // Stored and checkpointed, then the process died before the rules saw them.
    await worker.store([30, 40], false);
    await worker.crash();

    await worker.start();
    const alerts = await worker.alerts();
    expect(alerts.map((a) => [a.ruleId, a.eventCount])).toEqual([['failed-login-burst', 5]]);
    // The same events evaluated again from an older state raise the same alert: stored once.
    await worker.crash();
    await worker.start();
    expect(await worker.alerts()).toHaveLength(1);
    expect(worker.published).toHaveLength(1);
  });

  it('leaves the events stored before the first start alone', async () => {
    const worker = await setup();
    await worker.start();
    await worker.store([0, 10, 20, 30, 40], false);
    await worker.crash();
    // A store with events and no saved state: alerts were just turned on.
    await worker.start(false);
    await worker.store([50]);
    await worker.drained();
    expect(await worker.alerts()).toEqual([]);
  });
});
