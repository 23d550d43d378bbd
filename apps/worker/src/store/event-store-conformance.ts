import { afterEach, describe, expect, it } from 'vitest';
import { alertIdentity, compileFilter, normaliseEvents, statementCategory, type ActivityEvent, type AlertCandidate, type EventFilter } from '@das/core';
import { buildHeartbeat, buildMysqlEvent, buildPayload, createEventGenerator } from '@das/core/fixtures';
import type { StoredEvent } from '@das/contracts';
import { CursorError, type DecodedRecord, type EventStore, type SortOrder } from './event-store.js';
import type { StatementColumnOptions } from './statement-columns.js';

/** Storage for one test: `open` may be called again after closing, on the same data. */
export interface StoreUnderTest {
  open(options?: StatementColumnOptions): Promise<EventStore>;
  remove(): Promise<void>;
}


/** Realistic events from the core generator (AUX+MAIN, connects, heartbeats, rdsadmin), as records of 5 events. */
function generatedRecords(count: number, seed = 7): DecodedRecord[] {
  const generator = createEventGenerator({ seed, engine: 'mysql', heartbeatRate: 0.05, startTime: new Date(Date.now() - 3_600_000).toISOString() });
  const records: DecodedRecord[] = [];
  for (let i = 0; i < count; i += 1) {
    const raw = generator.events(5);
    if (i % 7 === 0) raw.push(buildMysqlEvent({ dbUserName: 'rdsadmin', logTime: raw[0]?.logTime as string, objectName: 'orders,customers' }));
    if (i % 11 === 0) raw.push(buildMysqlEvent({ exitCode: '1064', errorMessage: 'syntax', logTime: raw[0]?.logTime as string }));
    records.push({ sequenceNumber: String(1000 + i), arrivedAtMs: Date.now(), events: normaliseEvents(buildPayload(raw)) });
  }
  return records;
}

async function all(store: EventStore, filter: EventFilter, order?: SortOrder, limit = 97): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await store.query(filter, { cursor, limit, order });
    out.push(...page.events);
    if (page.next === null) return out;
    cursor = page.next;
  }
}

/** An alert as the engine raises it, for rule `ruleId` and group `group`. */
function candidate(ruleId: string, group: string, severity: AlertCandidate['severity'] = 'high', windowStartMs = Date.parse('2026-12-06T10:00:00Z')): AlertCandidate {
  const identity = alertIdentity(ruleId, `user=${group}`, windowStartMs);
  const time = new Date(windowStartMs).toISOString();
  return { ...identity, ruleId, kind: 'threshold', severity, title: `${ruleId} for ${group}`, groupKey: `user=${group}`, group: { user: group }, eventIds: [3, 4], eventCount: 5, value: 5, windowStart: time, firstTime: time, lastTime: time };
}

/**
 * The behaviour every {@link EventStore} shares, run against each implementation (DuckDB and
 * PostgreSQL): one set of tests, two stores.
 */
export function describeEventStore(name: string, createStorage: () => Promise<StoreUnderTest>): void {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  let storage: StoreUnderTest | undefined;
  async function openStore(options?: StatementColumnOptions): Promise<EventStore> {
    if (storage === undefined) {
      const created = await createStorage();
      storage = created;
      cleanups.push(async () => {
        storage = undefined;
        await created.remove();
      });
    }
    const store = await storage.open(options);
    cleanups.push(() => store.close());
    return store;
}

  describe(name, () => {
    it('answers every filter exactly like @das/core matchesFilter, newest first, across cursor pages', async () => {
      const store = await openStore();
      const records = generatedRecords(120);
      await store.append({ streamKey: 's@1', shardId: 'shardId-000000000000', records });
      const events: ActivityEvent[] = records.flatMap((r) => ('events' in r ? r.events : []));
      const sample = events[40] as ActivityEvent;
      const filters: EventFilter[] = [
        {},
        { heartbeats: true },
        { users: ['APP_USER', 'reporting'] },
        { databases: [sample.database ?? 'shop'], commands: ['query'] },
        { objects: ['customers'] },
        { hosts: [sample.remoteHost ?? '10.0.1.25'] },
        { classes: [(sample.eventClass ?? 'MAIN').toLowerCase()] },
        { text: 'select' },
        { exit: 'failed' },
        { exit: 'ok', rdsadmin: false },
        { categories: ['DQL'] },
        { categories: ['auth', 'DML'], users: ['app_user'] },
        { from: events[100]?.time as string, to: events[300]?.time as string },
        // Exclusions, alone and beside inclusions.
        { not: { users: ['rdsadmin'] } },
        { not: { users: ['APP_USER'], commands: ['connect'] }, heartbeats: true },
        { not: { objects: ['customers'] } },
        { not: { hosts: [sample.remoteHost ?? '10.0.1.25'], databases: [sample.database ?? 'shop'] } },
        { not: { categories: ['DQL'] } },
        { not: { classes: [sample.eventClass ?? 'MAIN'] }, heartbeats: true },
        { users: ['app_user', 'rdsadmin'], not: { users: ['rdsadmin'], categories: ['DML'] } },
      ];
      for (const filter of filters) {
        const predicate = compileFilter(filter);
        const expected = events.filter(predicate).length;
        expect(expected, JSON.stringify(filter)).toBeGreaterThan(0);
        const got = await all(store, filter);
        expect(got.length, JSON.stringify(filter)).toBe(expected);
        expect(got.every((e) => predicate(e)), JSON.stringify(filter)).toBe(true);
        const order = got.map((e) => [e.time, e.id] as const);
        const sorted = [...order].sort((a, b) => (a[0] === b[0] ? b[1] - a[1] : a[0] < b[0] ? 1 : -1));
        expect(order).toEqual(sorted);
      }
      expect(new Set((await all(store, { heartbeats: true })).map((e) => e.id)).size).toBe(events.length);
    });

    it('pages oldest first with order asc, ties by id, the exact reverse of newest first, whatever the page size', async () => {
      const store = await openStore();
      // About a hundred events: a page size of 1 walks them one query each, for three filters.
      const records = generatedRecords(20);
      // Several events per time: ties the cursor must order by id.
      records.flatMap((r) => ('events' in r ? r.events : [])).forEach((event, i) => {
        event.timeMs = Date.parse('2026-12-06T10:00:00.000Z') + Math.floor(i / 4) * 1000;
        event.time = new Date(event.timeMs).toISOString().replace('Z', '000Z');
      });
      await store.append({ streamKey: 's@1', shardId: 'shard-a', records });
      for (const filter of [{}, { users: ['app_user'] }, { not: { commands: ['QUERY'] } }] as EventFilter[]) {
        const expected = records.flatMap((r) => ('events' in r ? r.events : [])).filter(compileFilter(filter)).length;
        const newest = await all(store, filter, 'desc', 13);
        expect(newest).toHaveLength(expected);
        for (const limit of [1, 7, 1000]) {
          const oldest = await all(store, filter, 'asc', limit);
          expect(oldest.map((e) => e.id), `${JSON.stringify(filter)} ${limit}`).toEqual(newest.map((e) => e.id).reverse());
        }
        const keys = (await all(store, filter, 'asc', 11)).map((e) => [e.time, e.id] as const);
        expect(keys).toEqual([...keys].sort((a, b) => (a[0] === b[0] ? a[1] - b[1] : a[0] < b[0] ? -1 : 1)));
      }
      // The default is newest first; a cursor goes on only in the order it was handed out in.
      const first = await store.query({}, { limit: 5 });
      expect(first.events.map((e) => e.id)).toEqual((await store.query({}, { limit: 5, order: 'desc' })).events.map((e) => e.id));
      const ascending = await store.query({}, { limit: 5, order: 'asc' });
      await expect(store.query({}, { limit: 5, order: 'asc', cursor: first.next as string })).rejects.toThrow(CursorError);
      await expect(store.query({}, { limit: 5, order: 'desc', cursor: ascending.next as string })).rejects.toThrow(CursorError);
      const second = await store.query({}, { limit: 5, order: 'asc', cursor: ascending.next as string });
      expect((second.events[0]?.time as string) >= (ascending.events.at(-1)?.time as string)).toBe(true);
    }, 90_000);

    it('moves the checkpoint with the batch and skips replayed records, also after reopening the file', async () => {
      const records = generatedRecords(10);
      let store = await openStore();
      const first = await store.append({ streamKey: 's@1', shardId: 'shard-a', records: records.slice(0, 6), startedAtMs: 123 });
      expect(first.replayed).toBe(0);
      const again = await store.append({ streamKey: 's@1', shardId: 'shard-a', records: records.slice(0, 6) });
      expect(again).toMatchObject({ stored: [], replayed: 6 });
      const before = (await store.counts()).events;
      await store.close();

      store = await openStore();
      expect(await store.checkpoints('s@1')).toEqual([{ shardId: 'shard-a', sequenceNumber: '1005', finished: false, startedAtMs: 123 }]);
      expect(await store.checkpoints('s@2')).toEqual([]);
      expect(await store.streamKeys()).toEqual(['s@1']);
      // A batch overlapping the checkpoint stores only the new records.
      const overlap = await store.append({ streamKey: 's@1', shardId: 'shard-a', records: records.slice(3, 10), shardFinished: true });
      expect(overlap.replayed).toBe(3);
      expect(new Set(overlap.stored.map((e) => e.sequenceNumber))).toEqual(new Set(['1006', '1007', '1008', '1009']));
      expect((await store.counts()).events).toBe(before + overlap.stored.length);
      expect(await store.checkpoints('s@1')).toEqual([{ shardId: 'shard-a', sequenceNumber: '1009', finished: true, startedAtMs: 123 }]);
      // Ids keep growing after a reopen.
      expect(Math.min(...overlap.stored.map((e) => e.id))).toBeGreaterThan(before);
      const one = overlap.stored[0] as StoredEvent;
      expect(await store.get(one.id)).toEqual(one);
      expect(await store.get(999_999)).toBeNull();
    });

    it('stores each statement with its category and fingerprint, literals kept in the text unless redaction is on', async () => {
      const statements = [
        buildMysqlEvent({ commandText: "SELECT * FROM shop.cards WHERE number = '4111111111111111'" }),
        buildMysqlEvent({ commandText: "SET PASSWORD FOR 'mallory'@'%' = 'hunter2'" }),
        buildMysqlEvent({ command: 'READ', class: 'AUX', commandText: 'shop.cards', objectName: 'shop.cards' }),
        buildMysqlEvent({ command: 'FAILED_CONNECT', commandText: '', exitCode: '1045' }),
      ];
      const appendOne = async (store: EventStore) =>
        (await store.append({ streamKey: 's@1', shardId: 'shard-a', records: [{ sequenceNumber: '1', arrivedAtMs: null, events: normaliseEvents(buildPayload(statements)) }] })).stored;
      const plain = await openStore();
      const stored = await appendOne(plain);
      expect(stored.map((e) => [e.category, e.fingerprint])).toEqual([
        ['DQL', 'select * from shop.cards where number = ?'],
        ['DCL', 'set password for ?@? = ?'],
        ['DQL', null],
        ['auth', null],
      ]);
      const top = await plain.topStatements({}, 10);
      expect(top.map((t) => [t.fingerprint, t.category, t.count])).toEqual([
        ['select * from shop.cards where number = ?', 'DQL', 1],
        ['set password for ?@? = ?', 'DCL', 1],
      ]);
      expect(top[0]?.lastTime).toBe(stored[0]?.time);
      expect(await plain.topStatements({ categories: ['DCL'] }, 1)).toHaveLength(1);
      const read = await Promise.all(stored.map((e) => plain.get(e.id)));
      expect(read).toEqual(stored);
      expect(read[0]?.text).toContain('4111111111111111');
      expect((await all(plain, { categories: ['DCL'] })).map((e) => e.id)).toEqual([stored[1]?.id]);
      expect(new Map((await plain.facets({}, 10)).categories?.map((f) => [f.value, f.count]))).toEqual(new Map([['DQL', 2], ['DCL', 1], ['auth', 1]]));
      await plain.close();
      await storage?.remove();
      storage = undefined;

      const redacting = await openStore({ redactText: true });
      const [card, password, aux] = await appendOne(redacting);
      const kept = await redacting.get(card?.id as number);
      expect([kept?.text, kept?.raw.commandText, kept?.fingerprint]).toEqual(['SELECT * FROM shop.cards WHERE number = ?', 'SELECT * FROM shop.cards WHERE number = ?', 'select * from shop.cards where number = ?']);
      expect(JSON.stringify(await redacting.get(password?.id as number))).not.toMatch(/mallory|hunter2/);
      // An AUX event's text is its object, not SQL: kept as it is.
      expect((await redacting.get(aux?.id as number))?.text).toBe('shop.cards');
    });

    it('keeps dead letters with reason, shard, sequence number and raw data', async () => {
      const store = await openStore();
      await store.append({
        streamKey: 's@1',
        shardId: 'shard-a',
        records: [
          { sequenceNumber: '1', arrivedAtMs: 1_700_000_000_000, deadLetter: { reason: 'ENVELOPE_NOT_JSON', message: 'not json', data: Buffer.from('garbage') } },
          { sequenceNumber: '2', arrivedAtMs: null, events: normaliseEvents(buildPayload([buildMysqlEvent()])) },
          { sequenceNumber: '3', arrivedAtMs: null, deadLetter: { reason: 'PAYLOAD_DECRYPT_FAILED', message: 'tag', data: Buffer.from([1, 2]) } },
        ],
      });
      const { deadLetters, next } = await store.deadLetters({ limit: 10 });
      expect(next).toBeNull();
      expect(deadLetters.map((d) => [d.reason, d.sequenceNumber])).toEqual([
        ['PAYLOAD_DECRYPT_FAILED', '3'],
        ['ENVELOPE_NOT_JSON', '1'],
      ]);
      // Listed without their data, with its size; one letter (or a selection) with it.
      expect(deadLetters.map((d) => [d.data, d.size])).toEqual([
        [undefined, 2],
        [undefined, 7],
      ]);
      const one = await store.getDeadLetter(deadLetters[1]?.id as number);
      expect(Buffer.from(one?.data as string, 'base64').toString()).toBe('garbage');
      expect(one).toEqual({ ...deadLetters[1], data: one?.data });
      expect(await store.getDeadLetter(999_999)).toBeNull();
      const selected = await store.deadLetters({ ids: [deadLetters[0]?.id as number, 999_999], limit: 10, withData: true });
      expect(selected.deadLetters.map((d) => [d.sequenceNumber, d.data])).toEqual([['3', Buffer.from([1, 2]).toString('base64')]]);
      expect((await store.deadLetters({ ids: [], limit: 10 })).deadLetters).toEqual([]);
      expect(await store.deadLetterReasons()).toEqual([
        { reason: 'ENVELOPE_NOT_JSON', count: 1 },
        { reason: 'PAYLOAD_DECRYPT_FAILED', count: 1 },
      ]);
      expect(deadLetters[1]).toMatchObject({ shardId: 'shard-a', arrivedAt: '2023-11-14T22:13:20.000Z' });
      expect((await store.deadLetters({ reason: 'ENVELOPE_NOT_JSON', limit: 10 })).deadLetters).toHaveLength(1);
      const paged = await store.deadLetters({ limit: 1 });
      expect(paged.next).not.toBeNull();
      expect((await store.deadLetters({ limit: 1, cursor: paged.next as string })).deadLetters[0]?.sequenceNumber).toBe('1');
      expect(await store.counts()).toEqual({ events: 1, deadLetters: 2 });
    });

    it('turns resolved dead letters into events under their own shard and sequence number, in one go', async () => {
      const store = await openStore();
      await store.append({
        streamKey: 's@1',
        shardId: 'shard-a',
        records: [
          { sequenceNumber: '1', arrivedAtMs: null, deadLetter: { reason: 'KEY_DECRYPT_FAILED', message: 'denied', data: Buffer.from('a') } },
          { sequenceNumber: '2', arrivedAtMs: null, deadLetter: { reason: 'KEY_DECRYPT_FAILED', message: 'denied', data: Buffer.from('b') } },
        ],
      });
      const [second, first] = (await store.deadLetters({ limit: 10 })).deadLetters;
      const events = normaliseEvents(buildPayload([buildMysqlEvent({ dbUserName: 'app' }), buildMysqlEvent({ dbUserName: 'app' })]));
      // A letter id that is not there (taken by retention or another replay) is left out.
      const stored = await store.resolveDeadLetters([
        { id: first!.id, events },
        { id: 999, events },
      ]);
      expect([...stored.keys()]).toEqual([first!.id]);
      expect(stored.get(first!.id)?.map((e) => [e.shardId, e.sequenceNumber])).toEqual([
        ['shard-a', '1'],
        ['shard-a', '1'],
      ]);
      expect((await all(store, { users: ['app'] })).map((e) => e.id).sort()).toEqual(stored.get(first!.id)?.map((e) => e.id).sort());
      await store.updateDeadLetter(second!.id, 'PAYLOAD_DECRYPT_FAILED', 'tag mismatch');
      expect((await store.deadLetters({ limit: 10 })).deadLetters.map((d) => [d.id, d.reason, d.message])).toEqual([[second!.id, 'PAYLOAD_DECRYPT_FAILED', 'tag mismatch']]);
      expect(await store.counts()).toEqual({ events: 2, deadLetters: 1 });
    });

    it('counts facets and histogram buckets that agree with the events', async () => {
      const store = await openStore();
      const records = generatedRecords(80);
      await store.append({ streamKey: 's@1', shardId: 'shard-a', records });
      const events = records.flatMap((r) => ('events' in r ? r.events : [])).filter((e) => e.kind !== 'heartbeat');
      const facets = await store.facets({}, 50);
      expect(facets.total).toBe(events.length);
      const countBy = (key: keyof ActivityEvent) => {
        const m = new Map<string | null, number>();
        for (const e of events) m.set(e[key] as string | null, (m.get(e[key] as string | null) ?? 0) + 1);
        return m;
      };
      for (const { value, count } of facets.users) expect(count).toBe(countBy('user').get(value));
      for (const { value, count } of facets.commands) expect(count).toBe(countBy('command').get(value));
      expect(facets.hosts.length).toBeGreaterThan(0);
      for (const { value, count } of facets.hosts) expect(count).toBe(countBy('remoteHost').get(value));
      expect(facets.classes.length).toBeGreaterThan(0);
      for (const { value, count } of facets.classes) expect(count).toBe(countBy('eventClass').get(value));
      // Top statements: the most frequent fingerprints, counted as the events say.
      const fingerprints = new Map<string, number>();
      for (const e of events as StoredEvent[]) if (e.fingerprint != null) fingerprints.set(e.fingerprint, (fingerprints.get(e.fingerprint) ?? 0) + 1);
      const top = await store.topStatements({}, 5);
      expect(top).toHaveLength(Math.min(5, fingerprints.size));
      for (const { fingerprint, count } of top) expect(count).toBe(fingerprints.get(fingerprint));
      expect(top.map((t) => t.count)).toEqual([...top.map((t) => t.count)].sort((a, b) => b - a));
      expect(top[0]?.count).toBe(Math.max(...fingerprints.values()));
      const categories = new Map<string, number>();
      for (const e of events) categories.set(statementCategory(e), (categories.get(statementCategory(e)) ?? 0) + 1);
      expect(new Map(facets.categories?.map((f) => [f.value, f.count]))).toEqual(categories);
      expect(facets.databases.reduce((n, f) => n + f.count, 0)).toBe(events.length);
      expect(facets.objects.length).toBeGreaterThan(0);

      const histogram = await store.histogram({}, 60_000);
      expect(histogram.buckets.reduce((n, b) => n + b.total, 0)).toBe(events.length);
      expect(histogram.groupBy).toBe('command');
      for (const bucket of histogram.buckets) {
        expect(bucket.start % 60_000).toBe(0);
        expect(Object.values(bucket.byValue).reduce((n, c) => n + c, 0) + bucket.other).toBe(bucket.total);
      }
    });

    it('counts facets and histograms over ranges that start and end inside a minute, with filters, as the events say', async () => {
      const store = await openStore();
      const records = generatedRecords(200);
      // Spread over half an hour, 1.7 s apart, so that minutes are whole and partial.
      const base = Date.parse('2026-12-06T10:00:00.000Z') + 123;
      records.flatMap((r) => ('events' in r ? r.events : [])).forEach((event, i) => {
        event.timeMs = base + i * 1700;
        event.time = new Date(event.timeMs).toISOString().replace('Z', '000Z');
      });
      await store.append({ streamKey: 's@1', shardId: 'shard-a', records: records.slice(0, 100) });
      await store.append({ streamKey: 's@1', shardId: 'shard-b', records: records.slice(100) });
      const events = records.flatMap((r) => ('events' in r ? r.events : []));
      const times = events.map((e) => e.time).sort();
      // Many minutes: whole ones (a store may count them ahead) and partial ones at the ends.
      expect(Date.parse(times.at(-1) as string) - Date.parse(times[0] as string)).toBeGreaterThan(5 * 60_000);
      const filters: EventFilter[] = [
        { from: times[37] as string, to: times[812] as string },
        { from: times[5] as string, users: ['app_user', 'reporting'], exit: 'ok' },
        { to: times[900] as string, rdsadmin: false, commands: ['QUERY'] },
        { from: times[20] as string, to: times[700] as string, categories: ['DQL', 'auth'] },
        { from: times[400] as string, to: times[401] as string },
      ];
      for (const filter of filters) {
        const matching = events.filter(compileFilter(filter));
        const facets = await store.facets(filter, 1000);
        expect(facets.total, JSON.stringify(filter)).toBe(matching.length);
        const users = new Map<string | null, number>();
        for (const e of matching) users.set(e.user, (users.get(e.user) ?? 0) + 1);
        expect(new Map(facets.users.map((f) => [f.value, f.count])), JSON.stringify(filter)).toEqual(users);
        const categories = new Map<string | null, number>();
        for (const e of matching) categories.set(statementCategory(e), (categories.get(statementCategory(e)) ?? 0) + 1);
        expect(new Map(facets.categories?.map((f) => [f.value, f.count])), JSON.stringify(filter)).toEqual(categories);
        for (const intervalMs of [60_000, 300_000, 7_000]) {
          const histogram = await store.histogram(filter, intervalMs);
          expect(histogram.buckets.reduce((n, b) => n + b.total, 0), `${JSON.stringify(filter)} ${intervalMs}`).toBe(matching.length);
          for (const bucket of histogram.buckets) {
            const inBucket = matching.filter((e) => Math.floor(e.timeMs / intervalMs) * intervalMs === bucket.start);
            expect(bucket.total, `${JSON.stringify(filter)} ${intervalMs} ${bucket.start}`).toBe(inBucket.length);
          }
        }
      }
    });

    it('splits histogram buckets by another field: the top values over the range apart, the rest as other', async () => {
      const store = await openStore();
      const records = generatedRecords(200);
      const base = Date.parse('2026-12-06T10:00:00.000Z') + 123;
      records.flatMap((r) => ('events' in r ? r.events : [])).forEach((event, i) => {
        event.timeMs = base + i * 1700;
        event.time = new Date(event.timeMs).toISOString().replace('Z', '000Z');
      });
      await store.append({ streamKey: 's@1', shardId: 'shard-a', records });
      const events = records.flatMap((r) => ('events' in r ? r.events : []));
      const times = events.map((e) => e.time).sort();
      const valueOf = { user: (e: ActivityEvent) => e.user, database: (e: ActivityEvent) => e.database, host: (e: ActivityEvent) => e.remoteHost, category: (e: ActivityEvent) => statementCategory(e) } as const;
      // Whole minutes and partial ones (PostgreSQL: the rollup and the events), with an exclusion.
      const filter: EventFilter = { from: times[37] as string, to: times[812] as string, not: { users: ['rdsadmin'] } };
      const matching = events.filter(compileFilter(filter));
      for (const groupBy of ['user', 'database', 'host', 'category'] as const) {
        const totals = new Map<string, number>();
        for (const e of matching) totals.set(valueOf[groupBy](e) ?? '', (totals.get(valueOf[groupBy](e) ?? '') ?? 0) + 1);
        const top = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 2).map(([v]) => v);
        for (const intervalMs of [60_000, 7_000]) {
          const histogram = await store.histogram(filter, intervalMs, { groupBy, top: 2 });
          expect(histogram.groupBy).toBe(groupBy);
          expect(histogram.values, `${groupBy} ${intervalMs}`).toEqual(top);
          expect(histogram.otherValues).toBe(Math.max(0, totals.size - 2));
          expect(histogram.buckets.reduce((n, b) => n + b.total, 0)).toBe(matching.length);
          for (const bucket of histogram.buckets) {
            const inBucket = matching.filter((e) => Math.floor(e.timeMs / intervalMs) * intervalMs === bucket.start);
            const expected: Record<string, number> = {};
            let other = 0;
            for (const e of inBucket) {
              const value = valueOf[groupBy](e) ?? '';
              if (top.includes(value)) expected[value] = (expected[value] ?? 0) + 1;
              else other += 1;
            }
            expect({ byValue: bucket.byValue, other: bucket.other }, `${groupBy} ${intervalMs} ${bucket.start}`).toEqual({ byValue: expected, other });
          }
        }
      }
      // The default split is by command, at most 8 apart.
      const byCommand = await store.histogram({}, 60_000);
      expect(byCommand.groupBy).toBe('command');
      expect(byCommand.values.length).toBeLessThanOrEqual(8);
    });

    it('stores each alert once, lists them newest first with filters and cursors, acknowledges and resolves', async () => {
      const store = await openStore();
      const t0 = Date.parse('2026-12-06T12:00:00Z');
      const first = await store.alerts.insert([candidate('failed-login-burst', 'app'), candidate('privilege-change', 'root', 'critical')], t0);
      expect(first.map((a) => [a.ruleId, a.status, a.createdAt, a.eventIds, a.group])).toEqual([
        ['failed-login-burst', 'open', '2026-12-06T12:00:00.000Z', [3, 4], { user: 'app' }],
        ['privilege-change', 'open', '2026-12-06T12:00:00.000Z', [3, 4], { user: 'root' }],
      ]);
      // The same incident again (a replay, another worker) is not stored twice.
      const again = await store.alerts.insert([candidate('failed-login-burst', 'app'), candidate('failed-login-burst', 'bob', 'medium')], t0 + 1000);
      expect(again.map((a) => a.groupKey)).toEqual(['user=bob']);
      await store.alerts.insert([1, 2, 3].map((i) => candidate('sensitive-read', `u${i}`, 'medium')), t0 + 2000);
      expect(await store.alerts.get(first[0]?.id as string)).toEqual(first[0]);
      expect(await store.alerts.get('0000000000000000')).toBeNull();

      const pages: string[][] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await store.alerts.list({ limit: 2, cursor });
        pages.push(page.alerts.map((a) => a.groupKey));
        if (page.next === null) break;
        cursor = page.next;
      }
      expect(pages.flat()).toHaveLength(6);
      expect(pages.flat().slice(0, 3).sort()).toEqual(['user=u1', 'user=u2', 'user=u3']);
      expect(pages.flat().slice(3, 4)).toEqual(['user=bob']);
      expect((await store.alerts.list({ limit: 10, severity: 'critical' })).alerts.map((a) => a.ruleId)).toEqual(['privilege-change']);
      expect((await store.alerts.list({ limit: 10, ruleId: 'failed-login-burst' })).alerts.map((a) => a.groupKey)).toEqual(['user=bob', 'user=app']);
      await expect(store.alerts.list({ limit: 10, cursor: 'bm9wZQ' })).rejects.toThrow(CursorError);

      const id = first[0]?.id as string;
      const acknowledged = await store.alerts.update(id, { status: 'acknowledged', by: 'ana', atMs: t0 + 5000 });
      expect(acknowledged).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'ana', acknowledgedAt: '2026-12-06T12:00:05.000Z', resolvedBy: null });
      expect(await store.alerts.update(id, { status: 'acknowledged', by: 'bo', atMs: t0 + 6000 })).toEqual(acknowledged);
      const resolved = await store.alerts.update(id, { status: 'resolved', by: 'bo', atMs: t0 + 7000 });
      expect(resolved).toMatchObject({ status: 'resolved', acknowledgedBy: 'ana', resolvedBy: 'bo', resolvedAt: '2026-12-06T12:00:07.000Z' });
      // A resolved alert stays resolved.
      expect(await store.alerts.update(id, { status: 'acknowledged', by: 'cy' })).toEqual(resolved);
      expect(await store.alerts.update('0000000000000000', { status: 'resolved', by: 'cy' })).toBeNull();
      expect((await store.alerts.list({ limit: 10, status: 'open' })).alerts).toHaveLength(5);
      expect((await store.alerts.list({ limit: 10, status: 'resolved' })).alerts.map((a) => a.id)).toEqual([id]);
    });

    it('keeps the rule engine state by key across a reopen, and hands out events after an id in id order', async () => {
      let store = await openStore();
      expect(await store.alerts.readState('rule-engine')).toBeNull();
      await store.alerts.writeState('rule-engine', { version: 1, lastEventId: 3, rules: { a: [1, 'x'] } });
      await store.alerts.writeState('rule-engine', { version: 1, lastEventId: 7, rules: {} });
      const { stored } = await store.append({ streamKey: 's@1', shardId: 'shard-a', records: generatedRecords(4) });
      await store.close();
      store = await openStore();
      expect(await store.alerts.readState('rule-engine')).toEqual({ version: 1, lastEventId: 7, rules: {} });
      const ids = stored.map((e) => e.id);
      const after = await store.eventsAfter(ids[2] as number, 5);
      expect(after.map((e) => e.id)).toEqual(ids.slice(3, 8));
      expect(after[0]).toEqual(await store.get(ids[3] as number));
      expect(await store.eventsAfter(ids.at(-1) as number, 5)).toEqual([]);
    });

    it('keeps webhook deliveries: once per id, leased when due, attempts recorded until delivered or dead', async () => {
      const store = await openStore();
      const { deliveries } = store;
      const t0 = 1_800_000_000_000;
      const add = (id: string, createdAt: number) => deliveries.enqueue({ id, alertId: id.split(':')[0] as string, endpointId: 'hook', body: `{"id":"${id}"}`, createdAt, nextAttemptAt: createdAt });
      expect(await add('a:hook', t0)).toBe(true);
      expect(await add('a:hook', t0 + 5)).toBe(false);
      expect(await add('b:hook', t0 + 1)).toBe(true);
      expect(await add('c:hook', t0 + 60_000)).toBe(true);
      // Due now: a and b, oldest first; leased, so not due again until the lease ends.
      const due = await deliveries.due(t0 + 10, 10, 15_000);
      expect(due.map((d) => [d.id, d.attempts, d.nextAttemptAt])).toEqual([
        ['a:hook', 0, t0 + 15_010],
        ['b:hook', 0, t0 + 15_010],
      ]);
      expect(await deliveries.due(t0 + 20, 10, 15_000)).toEqual([]);
      expect((await deliveries.due(t0 + 16_000, 1, 15_000)).map((d) => d.id)).toEqual(['a:hook']);
      await deliveries.markAttempt('a:hook', { at: t0 + 100, outcome: 'delivered', status: 204, error: null });
      await deliveries.markAttempt('b:hook', { at: t0 + 100, outcome: 'retry', status: 500, error: 'HTTP 500', nextAttemptAt: t0 + 2000 });
      expect((await deliveries.due(t0 + 2000, 10, 15_000)).map((d) => [d.id, d.attempts, d.lastStatus, d.lastError])).toEqual([['b:hook', 1, 500, 'HTTP 500']]);
      await deliveries.markAttempt('b:hook', { at: t0 + 3000, outcome: 'dead', status: null, error: 'ECONNREFUSED' });
      expect(await deliveries.list({ status: 'dead' })).toMatchObject([{ id: 'b:hook', status: 'dead', attempts: 2, lastStatus: null, lastError: 'ECONNREFUSED', lastAttemptAt: t0 + 3000 }]);
      expect(await deliveries.list({ status: 'delivered' })).toMatchObject([{ id: 'a:hook', attempts: 1, deliveredAt: t0 + 100, body: '{"id":"a:hook"}' }]);
      expect((await deliveries.list()).map((d) => d.id)).toEqual(['c:hook', 'b:hook', 'a:hook']);
      expect((await deliveries.list({ limit: 1 })).map((d) => d.id)).toEqual(['c:hook']);
      // Neither delivered nor dead deliveries come due again.
      expect((await deliveries.due(t0 + 10 ** 7, 10, 1000)).map((d) => d.id)).toEqual(['c:hook']);
    });

    it('applies retention by age and by count', async () => {
      const store = await openStore();
      const now = Date.now();
      const at = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '000+00');
      const old = normaliseEvents(buildPayload([buildMysqlEvent({ logTime: at(now - 5 * 3_600_000) }), buildHeartbeat('mysql', { logTime: at(now - 4 * 3_600_000) })]));
      const recent = normaliseEvents(buildPayload(Array.from({ length: 10 }, (_, i) => buildMysqlEvent({ logTime: at(now - 60_000 + i) }))));
      await store.append({ streamKey: 's@1', shardId: 'a', records: [{ sequenceNumber: '1', arrivedAtMs: null, events: [...old, ...recent] }] });
      expect(await store.applyRetention({ maxAgeHours: 2, maxEvents: null }, now)).toBe(2);
      expect((await store.counts()).events).toBe(10);
      expect((await store.facets({ heartbeats: true })).total).toBe(10);
      expect(await store.applyRetention({ maxAgeHours: null, maxEvents: 4 }, now)).toBe(6);
      const left = await all(store, {});
      expect(left).toHaveLength(4);
      expect((await store.facets({ heartbeats: true })).total).toBe(4);
      expect((await store.histogram({ heartbeats: true }, 60_000)).buckets.reduce((n, b) => n + b.total, 0)).toBe(4);
      // The newest four are the ones kept.
      expect(left.map((e) => e.time)).toEqual(recent.slice(6).map((e) => e.time).reverse());
    });
  });
}
