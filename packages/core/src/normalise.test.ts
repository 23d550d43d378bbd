import { describe, expect, it } from 'vitest';
import { buildHeartbeat, buildMysqlEvent, buildPayload, buildPostgresEvent, createEventGenerator } from './fixtures/index.js';
import { normaliseEvents } from './normalise.js';
import { validatePayload } from './validation.js';
import { canonicalTime } from './time.js';

describe('normaliseEvents', () => {
  it('maps a MySQL MAIN query, keeping microseconds and turning "" into null', () => {
    const raw = buildMysqlEvent({ unknownField: 'kept' });
    const [event] = normaliseEvents(buildPayload([raw], { clusterId: 'cluster-A', instanceId: 'db-B' }));
    expect(event).toEqual({
      engine: 'mysql',
      kind: 'record',
      time: '2020-07-06T20:43:51.636563Z',
      timeMs: Date.UTC(2020, 6, 6, 20, 43, 51, 636),
      clusterId: 'cluster-A',
      instanceId: 'db-B',
      user: 'app_user',
      database: 'shop',
      command: 'QUERY',
      eventClass: 'MAIN',
      objectType: 'TABLE',
      objectName: null,
      text: 'SELECT name, price FROM products WHERE id = 42',
      exitCode: 0,
      failed: false,
      errorMessage: null,
      remoteHost: '10.0.1.25',
      remotePort: '40112',
      sessionId: '725121',
      pid: 20555,
      statementId: 2990,
      substatementId: 1,
      rowCount: 1,
      clientApplication: null,
      raw,
    });
    expect(event?.raw.unknownField).toBe('kept');
  });

  it('reads MySQL AUX "" exit codes as unknown and non-zero codes as failures', () => {
    const events = normaliseEvents(
      buildPayload([buildMysqlEvent({ class: 'AUX', exitCode: '' }), buildMysqlEvent({ exitCode: '1146' }), buildMysqlEvent({ command: 'FAILED_CONNECT', exitCode: '' })]),
    );
    expect(events.map((e) => [e.exitCode, e.failed])).toEqual([
      [null, false],
      [1146, true],
      [null, true],
    ]);
  });

  it('maps PostgreSQL null exit codes, error messages and SQLSTATEs', () => {
    const events = normaliseEvents(
      buildPayload([
        buildPostgresEvent(),
        buildPostgresEvent({ errorMessage: 'relation "x" does not exist' }),
        buildPostgresEvent({ exitCode: '42P01' }),
        buildPostgresEvent({ exitCode: '00000', commandText: null }),
      ]),
    );
    expect(events.map((e) => [e.engine, e.exitCode, e.failed])).toEqual([
      ['postgres', null, false],
      ['postgres', null, true],
      ['postgres', null, true],
      ['postgres', 0, false],
    ]);
    expect(events[3]?.text).toBeNull();
  });

  it('gives heartbeats the engine of their payload and a time even without logTime', () => {
    const { logTime: _drop, ...bare } = buildHeartbeat('other');
    const events = normaliseEvents(buildPayload([bare, buildPostgresEvent()]));
    expect(events[0]).toMatchObject({ kind: 'heartbeat', engine: 'postgres', user: null, time: '2019-05-24T00:39:49.940668Z' });
    const alone = normaliseEvents(buildPayload([bare]), { now: () => Date.UTC(2026, 0, 2) });
    expect(alone[0]).toMatchObject({ engine: 'other', time: '2026-01-02T00:00:00.000000Z' });
  });

  it('normalises every generated event of both engines to valid, time-ordered events', () => {
    for (const engine of ['mysql', 'postgres'] as const) {
      const payload = createEventGenerator({ seed: 42, engine, heartbeatRate: 0.02 }).payload(2000);
      expect(validatePayload(payload).ok).toBe(true);
      const events = normaliseEvents(payload);
      expect(events.every((e) => e.engine === engine && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(e.time))).toBe(true);
      const commands = new Set(events.map((e) => e.command));
      expect(commands).toContain('CONNECT');
      expect(commands).toContain('DISCONNECT');
      expect(events.some((e) => e.kind === 'heartbeat')).toBe(true);
      expect(events.some((e) => e.failed)).toBe(true);
      expect(events.some((e) => e.user === 'rdsadmin')).toBe(true);
      if (engine === 'mysql') {
        expect(commands).toContain('READ');
        expect(commands).toContain('WRITE');
        expect(events.some((e) => e.text?.includes("\\'"))).toBe(true);
      }
    }
  });
});

describe('canonicalTime', () => {
  it.each([
    ['2020-07-06 20:43:51.636563+00', '2020-07-06T20:43:51.636563Z'],
    ['2021-01-15 00:15:36.233787', '2021-01-15T00:15:36.233787Z'],
    ['2022-10-06 21:24:59.9422268+00', '2022-10-06T21:24:59.942226Z'],
    ['2020-07-06T22:43:51.5+02:00', '2020-07-06T20:43:51.500000Z'],
    ['2020-07-06T00:10:00Z', '2020-07-06T00:10:00.000000Z'],
    ['2020-07-06 00:10:00-0130', '2020-07-06T01:40:00.000000Z'],
  ])('%s → %s', (input, iso) => {
    expect(canonicalTime(input)?.iso).toBe(iso);
    expect(canonicalTime(input)?.ms).toBe(Date.parse(iso));
  });
  it.each(['2020-02-31 00:00:00+00', '2020-13-01 00:00:00', 'now', '2020-07-06'])('rejects %s', (input) => {
    expect(canonicalTime(input)).toBeNull();
  });
});
