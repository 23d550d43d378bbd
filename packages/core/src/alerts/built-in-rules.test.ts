import { describe, expect, it } from 'vitest';
import type { AlertCandidate } from './alert-candidate.js';
import { dasTime, failedLogin, login, statement, stored } from './alert-events.test-support.js';
import { builtInRules, type BuiltInRuleConfig } from './built-in-rules.js';
import { createRuleEngine } from './rule-engine.js';
import type { RuleEvent } from './rule-event.js';
import { validateAlertRules } from './validate-alert-rule.js';

const app = { user: 'app', host: '10.0.1.25', database: 'shop', connectionId: 7 };
const attacker = { user: 'app', host: '203.0.113.9', connectionId: 5 };
const admin = { user: 'admin', host: '10.0.9.1', database: 'shop', connectionId: 30 };

function engine(config: BuiltInRuleConfig = {}, now = () => Date.parse('2026-11-25T02:30:00Z')) {
  return createRuleEngine(builtInRules({ newHostLearningSeconds: 3600, ...config }), { now });
}

function run(events: RuleEvent[], config: BuiltInRuleConfig = {}): AlertCandidate[] {
  return engine(config).evaluate(events);
}

const byRule = (alerts: AlertCandidate[], ruleId: string) => alerts.filter((a) => a.ruleId === ruleId);

describe('built-in rules', () => {
  it('are valid, unique and all on', () => {
    const rules = builtInRules();
    expect(validateAlertRules(rules)).toMatchObject({ ok: true });
    expect(rules.every((r) => r.enabled !== false)).toBe(true);
    expect(rules.map((r) => r.id)).toEqual([
      'failed-login-burst',
      'password-spraying',
      'privilege-change',
      'destructive-ddl',
      'sensitive-read',
      'session-rows-read',
      'catalog-enumeration',
      'off-hours-activity',
      'new-client-host',
      'stream-health',
    ]);
  });

  describe('failed-login-burst', () => {
    it('fires on the fifth failed login of a user and host within three minutes', () => {
      const events = stored([0, 20, 40, 60, 80].map((s) => failedLogin(attacker, s)));
      const alerts = byRule(run(events), 'failed-login-burst');
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({
        title: '5 failed logins for app from 203.0.113.9',
        severity: 'high',
        group: { user: 'app', remoteHost: '203.0.113.9' },
        eventIds: events.map((e) => e.id),
        eventCount: 5,
        windowStart: '2026-11-25T02:23:25.000Z',
        lastTime: '2026-11-25T02:24:45.000Z',
      });
    });

    it('does not fire on four, on five spread over more than three minutes, or across hosts and users', () => {
      expect(byRule(run(stored([0, 1, 2, 3].map((s) => failedLogin(attacker, s)))), 'failed-login-burst')).toEqual([]);
      expect(byRule(run(stored([0, 50, 100, 150, 200].map((s) => failedLogin(attacker, s)))), 'failed-login-burst')).toEqual([]);
      const mixed = stored([0, 1, 2, 3].map((s) => failedLogin(attacker, s)).concat([failedLogin({ ...attacker, host: '10.0.0.1' }, 4)]));
      expect(byRule(run(mixed), 'failed-login-burst')).toEqual([]);
    });

    it('gives one alert per incident, and a new one once the suppression is over', () => {
      const burst = (from: number) => Array.from({ length: 12 }, (_, i) => failedLogin(attacker, from + i * 5));
      const alerts = byRule(run(stored([...burst(0), ...burst(700)])), 'failed-login-burst');
      expect(alerts).toHaveLength(2);
      expect(alerts[0]?.id).not.toBe(alerts[1]?.id);
    });

    it('leaves successful logins alone', () => {
      expect(byRule(run(stored([0, 1, 2, 3, 4, 5].map((s) => login(app, s)))), 'failed-login-burst')).toEqual([]);
    });
  });

  describe('password-spraying', () => {
    it('fires on failed logins for five users from one host', () => {
      const users = ['alice', 'bob', 'carol', 'dave', 'erin'];
      const alerts = run(stored(users.map((user, i) => failedLogin({ user, host: '203.0.113.9' }, i * 30))));
      expect(byRule(alerts, 'password-spraying')).toMatchObject([{ title: 'Failed logins for 5 users from 203.0.113.9', value: 5, group: { remoteHost: '203.0.113.9' } }]);
      expect(byRule(alerts, 'failed-login-burst')).toEqual([]);
    });

    it('does not count one user many times', () => {
      const events = stored([
        ...[0, 1, 2, 3, 4, 5].map((s) => failedLogin({ user: 'alice', host: '203.0.113.9' }, s)),
        ...['bob', 'carol', 'dave'].map((user, i) => failedLogin({ user, host: '203.0.113.9' }, 10 + i)),
      ]);
      expect(byRule(run(events), 'password-spraying')).toEqual([]);
    });
  });

  describe('privilege-change', () => {
    it('fires on GRANT, CREATE USER, ALTER USER and SET PASSWORD, titled by the verb', () => {
      const alerts = byRule(
        run(
          stored([
            statement({ ...admin, connectionId: 31 }, 0, "GRANT SELECT ON shop.* TO 'report'@'%'", { aux: [['WRITE', 'mysql.db']] }),
            statement({ ...admin, connectionId: 32 }, 1, "CREATE USER 'bob'@'%' IDENTIFIED BY 'x'", { aux: [['WRITE', 'mysql.global_priv']] }),
            statement({ ...admin, connectionId: 33 }, 2, "ALTER USER 'app'@'127.0.0.1' IDENTIFIED BY *****"),
            statement({ ...admin, connectionId: 34 }, 3, "SET PASSWORD FOR 'bob'@'%' = PASSWORD('s3cret')"),
          ]),
        ),
        'privilege-change',
      );
      expect(alerts.map((a) => a.title)).toEqual([
        'GRANT by admin from 10.0.9.1',
        'CREATE USER by admin from 10.0.9.1',
        'ALTER USER by admin from 10.0.9.1',
        'SET PASSWORD by admin from 10.0.9.1',
      ]);
      expect(alerts.every((a) => a.eventIds.length === 1)).toBe(true);
    });

    it('gives one alert for a script of grants in one session, none for reads or rdsadmin', () => {
      const script = [0, 1, 2].map((s) => statement(admin, s, `GRANT SELECT ON shop.t${s} TO 'report'@'%'`));
      expect(byRule(run(stored(script)), 'privilege-change')).toHaveLength(1);
      expect(byRule(run(stored([statement(admin, 0, 'SELECT * FROM mysql.user')])), 'privilege-change')).toEqual([]);
      expect(byRule(run(stored([statement({ ...admin, user: 'rdsadmin' }, 0, 'GRANT SELECT ON *.* TO x')])), 'privilege-change')).toEqual([]);
    });
  });

  describe('destructive-ddl', () => {
    it('fires once for a DROP TABLE (MAIN and its AUX event) on an application schema', () => {
      const alerts = byRule(run(stored([statement({ ...app, database: 'probe_db' }, 0, 'DROP TABLE t3', { aux: [['DROP', 't3']] })])), 'destructive-ddl');
      expect(alerts).toMatchObject([{ title: 'DROP TABLE on t3 by app', group: { user: 'app', sessionId: '7' } }]);
    });

    it('fires on TRUNCATE and ALTER, not on CREATE, system schemas or failed statements', () => {
      const alerts = run(
        stored([
          statement({ ...app, connectionId: 1 }, 0, 'TRUNCATE TABLE orders', { aux: [['DROP', 'orders']] }),
          statement({ ...app, connectionId: 2 }, 1, 'ALTER TABLE orders ADD note TEXT', { aux: [['ALTER', 'orders']] }),
          statement({ ...app, connectionId: 3 }, 2, 'CREATE TABLE t2 (x INT)', { aux: [['CREATE', 't2']] }),
          statement({ ...app, connectionId: 4, database: 'mysql' }, 3, 'DROP TABLE scratch', { aux: [['DROP', 'scratch']] }),
          statement({ ...app, connectionId: 5 }, 4, 'DROP TABLE performance_schema.x', { aux: [['DROP', 'performance_schema.x']] }),
          statement({ ...app, connectionId: 6 }, 5, 'DROP TABLE missing', { exitCode: '1051' }),
          statement({ ...app, connectionId: 7 }, 6, 'DROP TEMPORARY TABLE IF EXISTS tmp_report', { aux: [['DROP', 'tmp_report']] }),
        ]),
      );
      expect(byRule(alerts, 'destructive-ddl').map((a) => a.title)).toEqual(['TRUNCATE on orders by app', 'ALTER TABLE on orders by app']);
    });
  });

  describe('sensitive-read', () => {
    const config = { sensitiveObjects: ['shop.payment_cards'] };

    it('fires on a read of a sensitive table (by object or text) or column, once per session', () => {
      const alerts = byRule(
        run(
          stored([
            statement({ ...app, connectionId: 1 }, 0, 'SELECT * FROM payment_cards WHERE id = 1', { aux: [['READ', 'payment_cards']], rows: 1 }),
            statement({ ...app, connectionId: 1 }, 1, 'SELECT * FROM payment_cards WHERE id = 2', { aux: [['READ', 'payment_cards']], rows: 1 }),
            statement({ ...app, connectionId: 2 }, 2, 'SELECT name, card_number FROM customers WHERE id = 7', { aux: [['READ', 'customers']], rows: 1 }),
          ]),
          config,
        ),
        'sensitive-read',
      );
      expect(alerts.map((a) => a.title)).toEqual(['app read sensitive data (payment_cards) from 10.0.1.25', 'app read sensitive data (customers) from 10.0.1.25']);
    });

    it('does not fire on other tables, on writes, or on a same-named table in another schema', () => {
      const alerts = byRule(
        run(
          stored([
            statement(app, 0, 'SELECT name, price FROM products WHERE id = 42', { aux: [['READ', 'products']] }),
            statement(app, 1, "UPDATE payment_cards SET expiry = '2030-01' WHERE id = 1", { aux: [['WRITE', 'payment_cards']] }),
            statement({ ...app, database: 'staging' }, 2, 'SELECT id FROM cards', { aux: [['READ', 'staging.payment_cards_copy']] }),
          ]),
          config,
        ),
        'sensitive-read',
      );
      expect(alerts).toEqual([]);
    });
  });

  describe('session-rows-read', () => {
    it('adds rows read across statements of a session and fires once past the threshold', () => {
      const events = stored([
        statement(app, 0, 'SELECT * FROM orders LIMIT 0, 400', { rows: 400 }),
        statement(app, 1, 'SELECT * FROM orders LIMIT 400, 400', { rows: 400 }),
        statement(app, 2, 'SELECT * FROM orders LIMIT 800, 400', { rows: 300 }),
        statement(app, 3, 'SELECT * FROM orders LIMIT 1200, 400', { rows: 400 }),
        statement({ ...app, connectionId: 8 }, 4, 'SELECT * FROM orders', { rows: 900 }),
        statement(app, 5, "UPDATE orders SET note = 'x'", { rows: 5000 }),
      ]);
      const alerts = byRule(run(events, { sessionRowsRead: 1000 }), 'session-rows-read');
      expect(alerts).toMatchObject([{ title: 'Session 7 of app read 1100 rows', value: 1100, eventCount: 3 }]);
      expect(alerts[0]?.eventIds).toHaveLength(3);
    });
  });

  describe('catalog-enumeration', () => {
    const probe = (session: typeof app, count: number) =>
      stored(Array.from({ length: count }, (_, i) => statement(session, i * 3, `SELECT * FROM information_schema.columns WHERE table_name = 't${i}'`, { rows: 5 })));

    it('fires on ten catalog reads in a minute by an application user', () => {
      expect(byRule(run(probe(app, 10)), 'catalog-enumeration')).toMatchObject([{ title: 'app read the catalog 10 times from 10.0.1.25' }]);
    });

    it('does not fire on nine, on rdsadmin, or on application tables', () => {
      expect(byRule(run(probe(app, 9)), 'catalog-enumeration')).toEqual([]);
      expect(byRule(run(probe({ ...app, user: 'rdsadmin' }, 12)), 'catalog-enumeration')).toEqual([]);
      const appReads = stored(Array.from({ length: 12 }, (_, i) => statement(app, i, `SELECT * FROM mysql_exports WHERE id = ${i}`)));
      expect(byRule(run(appReads), 'catalog-enumeration')).toEqual([]);
    });
  });

  describe('off-hours-activity', () => {
    const paris = { businessHours: { timeZone: 'Europe/Paris', days: [1, 2, 3, 4, 5], start: '08:00', end: '19:00' } };
    const at = (iso: string) => (Date.parse(iso) - Date.parse('2026-11-25T02:23:25Z')) / 1000;

    it('fires on a login or DDL outside business hours in the rule time zone, once per user per suppression', () => {
      const alerts = byRule(
        run(
          stored([
            login(app, at('2026-11-28T10:00:00Z')), // Saturday
            statement(app, at('2026-11-28T10:05:00Z'), 'ALTER TABLE orders ADD x INT'),
            login(admin, at('2026-01-06T06:30:00Z')), // Tuesday 07:30 in Paris (UTC+1)
          ]),
          paris,
        ),
        'off-hours-activity',
      );
      expect(alerts.map((a) => a.title)).toEqual(['auth by app at 11:00 Europe/Paris', 'auth by admin at 07:30 Europe/Paris']);
    });

    it('does not fire inside business hours (daylight saving time included) or on plain reads', () => {
      const alerts = byRule(
        run(
          stored([
            login(app, at('2026-07-07T06:30:00Z')), // Tuesday 08:30 in Paris (UTC+2)
            login(app, at('2026-11-24T17:59:00Z')), // Tuesday 18:59
            statement(app, at('2026-11-28T10:00:00Z'), 'SELECT 1'), // Saturday, but a read
          ]),
          paris,
        ),
        'off-hours-activity',
      );
      expect(alerts).toEqual([]);
    });
  });

  describe('new-client-host', () => {
    it('learns hosts per user, then fires once for a host never seen for that user', () => {
      const events = stored([
        login(app, 0),
        login(admin, 10),
        login(app, 4000), // after the hour of learning, known host
        login({ ...app, host: '198.51.100.7' }, 4100),
        login({ ...app, host: '198.51.100.7' }, 4200),
        login({ ...admin, host: '10.0.1.25' }, 4300), // host known, but not for admin
      ]);
      const alerts = byRule(run(events), 'new-client-host');
      expect(alerts.map((a) => a.title)).toEqual(['app logged in from a new host 198.51.100.7', 'admin logged in from a new host 10.0.1.25']);
    });

    it('does not fire during learning or on failed logins', () => {
      const events = stored([login(app, 0), login({ ...app, host: '198.51.100.7' }, 60), failedLogin({ ...app, host: '198.51.100.8' }, 5000)]);
      expect(byRule(run(events), 'new-client-host')).toEqual([]);
    });
  });

  describe('stream-health', () => {
    it('fires once when the stream has been silent too long, again after it resumed and stopped again', () => {
      let now = Date.parse('2026-11-25T02:30:00Z');
      const rules = createRuleEngine(builtInRules({ streamSilenceSeconds: 300 }), { now: () => now });
      rules.evaluate(stored([login(app, 0)]));
      now += 299_000;
      expect(rules.tick()).toEqual([]);
      now += 2_000;
      const silence = rules.tick();
      expect(silence).toMatchObject([{ ruleId: 'stream-health', severity: 'critical', title: expect.stringContaining(': silence'), windowStart: '2026-11-25T02:23:25.000Z' }]);
      now += 60_000;
      expect(rules.tick()).toEqual([]);
      rules.evaluate(stored([login(app, 900)]));
      now += 301_000;
      const again = rules.tick();
      expect(again).toHaveLength(1);
      expect(again[0]?.id).not.toBe(silence[0]?.id);
    });

    it('counts silence from a restart, not from before it, and does not raise a silence twice across one', () => {
      let now = Date.parse('2026-11-25T02:30:00Z');
      const config = { streamSilenceSeconds: 300 };
      const first = createRuleEngine(builtInRules(config), { now: () => now });
      first.evaluate(stored([login(app, 0)]));
      const saved = first.exportState();
      now += 3_600_000; // the worker was down for an hour
      const restarted = createRuleEngine(builtInRules(config), { now: () => now, state: saved });
      expect(restarted.tick()).toEqual([]);
      now += 301_000;
      const silence = restarted.tick();
      expect(silence).toHaveLength(1);
      const again = createRuleEngine(builtInRules(config), { now: () => now, state: restarted.exportState() });
      now += 600_000;
      expect(again.tick()).toEqual([]);
    });

    it('fires on dropped events, once per suppression period', () => {
      const rules = engine();
      const signal = (time: string) => rules.signal({ type: 'events_dropped', clusterId: 'cluster-A', time, count: 120 });
      expect(signal('2026-11-25T02:30:00Z')).toMatchObject([{ title: 'Activity stream of cluster-A: events_dropped', value: 120 }]);
      expect(signal('2026-11-25T02:35:00Z')).toEqual([]);
      expect(signal('2026-11-25T02:41:00Z')).toHaveLength(1);
    });
  });

  it('raise nothing on an ordinary workload of reads, writes and transactions', () => {
    const events = stored([
      login(app, 0),
      statement(app, 1, 'BEGIN'),
      statement(app, 2, 'SELECT name, price FROM products WHERE id = 42', { aux: [['READ', 'products']], rows: 1 }),
      statement(app, 3, "INSERT INTO orders (id, note) VALUES (1, 'x')", { aux: [['WRITE', 'orders']], rows: 1 }),
      statement(app, 4, 'COMMIT'),
    ]);
    // 02:23 UTC is off hours by default: allow every hour here.
    expect(run(events, { businessHours: { timeZone: 'UTC', days: [0, 1, 2, 3, 4, 5, 6], start: '00:00', end: '24:00' } })).toEqual([]);
    expect(byRule(run(events), 'off-hours-activity')).toHaveLength(1);
  });

  it('uses event time, never the clock, for windows', () => {
    const events = stored([0, 20, 40, 60, 80].map((s) => failedLogin(attacker, s)));
    const early = engine({}, () => 0).evaluate(events);
    const late = engine({}, () => Date.parse('2030-01-01T00:00:00Z')).evaluate(events);
    expect(late).toEqual(early);
    expect(dasTime(0)).toBe('2026-11-25 02:23:25.000000+00');
  });
});
