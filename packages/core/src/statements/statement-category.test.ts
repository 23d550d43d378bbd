import { describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../activity-event.js';
import { buildMysqlEvent, buildPayload, buildPostgresEvent } from '../fixtures/index.js';
import { normaliseEvents } from '../normalise.js';
import { statementCategory, statementVerb } from './statement-category.js';

const sql = (text: string) => statementCategory('QUERY', text);

describe('statementCategory', () => {
  it.each([
    ['SELECT * FROM t', 'DQL'],
    ['(SELECT 1) UNION (SELECT 2)', 'DQL'],
    ['/* app */ show grants', 'DQL'],
    ['WITH x AS (SELECT 1) SELECT * FROM x', 'DQL'],
    ['WITH x AS (SELECT 1) DELETE FROM t USING x', 'DML'],
    ['insert into t values (1)', 'DML'],
    ['REPLACE INTO t VALUES (1)', 'DML'],
    ['CALL proc(1)', 'DML'],
    ['CREATE TABLE t (id INT)', 'DDL'],
    ['DROP TABLE IF EXISTS t', 'DDL'],
    ['TRUNCATE TABLE orders', 'DDL'],
    ['ALTER TABLE t ADD c INT', 'DDL'],
    ['RENAME TABLE a TO b', 'DDL'],
    ['GRANT SELECT ON shop.* TO bob', 'DCL'],
    ['REVOKE ALL ON *.* FROM bob', 'DCL'],
    ["CREATE USER 'bob'@'%' IDENTIFIED BY 'x'", 'DCL'],
    ['CREATE OR REPLACE USER bob', 'DCL'],
    ['DROP USER IF EXISTS bob', 'DCL'],
    ["ALTER USER 'app'@'127.0.0.1' IDENTIFIED BY *****", 'DCL'],
    ['CREATE ROLE reader', 'DCL'],
    ['RENAME USER a TO b', 'DCL'],
    ["SET PASSWORD FOR bob = 'x'", 'DCL'],
    ['SET ROLE admin', 'DCL'],
    ['FLUSH PRIVILEGES', 'DCL'],
    ['ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO r', 'DCL'],
    ['BEGIN', 'TCL'],
    ['START TRANSACTION READ ONLY', 'TCL'],
    ['commit', 'TCL'],
    ['ROLLBACK TO SAVEPOINT s', 'TCL'],
    ['SET autocommit=0', 'TCL'],
    ['SET NAMES utf8mb4', 'other'],
    ['USE shop', 'other'],
    ['SELEC 1', 'other'],
    ['', 'other'],
  ])('%s → %s', (text, category) => {
    expect(sql(text)).toBe(category);
  });

  it('classifies Aurora MySQL events: logins, MAIN by text, AUX by access', () => {
    const [failed, connect, grant, auxRead, auxDrop, main] = normaliseEvents(
      buildPayload([
        buildMysqlEvent({ command: 'FAILED_CONNECT', commandText: '', exitCode: '1045' }),
        buildMysqlEvent({ command: 'CONNECT', commandText: '' }),
        buildMysqlEvent({ commandText: "GRANT SELECT ON shop.* TO \\'bob\\'@\\'%\\'" }),
        buildMysqlEvent({ class: 'AUX', command: 'READ', commandText: 'orders', objectName: 'orders' }),
        buildMysqlEvent({ class: 'AUX', command: 'DROP', commandText: 'select', objectName: 'select' }),
        buildMysqlEvent({ commandText: 'DROP TABLE t3' }),
      ]),
    ) as ActivityEvent[];
    expect([failed, connect, grant, auxRead, auxDrop, main].map((e) => statementCategory(e as ActivityEvent))).toEqual([
      'auth',
      'auth',
      'DCL',
      'DQL',
      'DDL',
      'DDL',
    ]);
  });

  it('classifies Aurora PostgreSQL events by command, then text, then class', () => {
    const events = normaliseEvents(
      buildPayload([
        buildPostgresEvent({ command: 'CREATE TABLE', class: 'DDL', commandText: 'create table x (a int)' }),
        buildPostgresEvent({ command: 'CREATE ROLE', class: 'ROLE', commandText: 'create role r' }),
        buildPostgresEvent({ command: 'AUTH FAILURE', class: 'MISC', commandText: null }),
        buildPostgresEvent({ command: 'CONNECT', class: 'MISC', commandText: null }),
        buildPostgresEvent({ command: 'SELECT', class: 'READ' }),
        buildPostgresEvent({ command: 'UNKNOWN', class: 'WRITE', commandText: null }),
      ]),
    );
    expect(events.map((e) => statementCategory(e))).toEqual(['DDL', 'DCL', 'auth', 'auth', 'DQL', 'DML']);
  });
});

describe('statementVerb', () => {
  it('names the statement without names or values', () => {
    expect(statementVerb('DROP TABLE IF EXISTS shop.orders')).toBe('DROP TABLE');
    expect(statementVerb("SET PASSWORD FOR 'bob' = 'x'")).toBe('SET PASSWORD');
    expect(statementVerb('create or replace user bob')).toBe('CREATE USER');
    expect(statementVerb('/* x */ grant all on *.* to bob')).toBe('GRANT');
    expect(statementVerb('')).toBeNull();
    expect(statementVerb(null)).toBeNull();
  });
});
