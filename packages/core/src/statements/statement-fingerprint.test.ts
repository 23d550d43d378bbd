import { describe, expect, it } from 'vitest';
import { MAX_FINGERPRINT_INPUT, MAX_FINGERPRINT_LENGTH, statementFingerprint } from './statement-fingerprint.js';

const fp = (sql: string) => statementFingerprint(sql);

describe('statementFingerprint', () => {
  it('replaces literals, lower-cases and normalises spacing', () => {
    expect(fp("SELECT * FROM t WHERE id IN (1, 2, 3) AND name = 'x'")).toBe('select * from t where id in(?+) and name = ?');
    expect(fp('select  name,price\n\tFROM products WHERE id=42')).toBe('select name, price from products where id = ?');
    expect(fp('SELECT a.id FROM `order_lines` a WHERE a.x >= -1.5e3 LIMIT 10')).toBe('select a.id from order_lines a where a.x >= ? limit ?');
  });

  it('groups statements that differ only in values, spacing, case or comments', () => {
    const a = fp("/* req=1 */ SELECT c_id FROM customer WHERE c_last = 'ABLE' AND c_w_id = 1");
    const b = fp("select c_id\nfrom customer -- by name\nwhere c_last='OUGHTPRI' and c_w_id=27");
    expect(a).toBe(b);
    expect(fp('SELECT c_id FROM customer WHERE c_w_id = 1')).not.toBe(fp('SELECT c_id FROM customer WHERE c_d_id = 1'));
  });

  it('reads strings with backslash escapes, doubled quotes and Aurora MySQL\'s \\\' form', () => {
    expect(fp("INSERT INTO t VALUES (2, 'o\\'brien', 'it''s')")).toBe('insert into t values(?+)');
    // As Aurora MySQL sends commandText: quotes escaped as \' and backslashes as \\.
    expect(fp("show status like \\'server_aurora_das_%\\'")).toBe('show status like ?');
    expect(fp("INSERT INTO t VALUES (2, \\'o\\\\\\'brien\\', \\'it\\'\\'s\\') -- done")).toBe('insert into t values(?+)');
    expect(fp("SELECT 1 FROM t WHERE a = \\'x\\' AND b = 'y'")).toBe('select ? from t where a = ? and b = ?');
  });

  it('collapses multi-row VALUES and IN lists, but not lists with expressions', () => {
    expect(fp('INSERT INTO t (a, b) VALUES (1, NULL), (2, -3),(4,\'x\')')).toBe('insert into t(a, b) values(?+)');
    expect(fp('INSERT INTO t VALUES (1, NOW()), (2, NOW())')).toBe('insert into t values(?, now()), (?, now())');
    expect(fp("select * from t where a in (select b from u where c in ('a','b'))")).toBe('select * from t where a in(select b from u where c in(?+))');
    expect(fp('SELECT * FROM t WHERE id IN (?, ?, ?)')).toBe('select * from t where id in(?+)');
  });

  it('replaces hex, bit, charset-introduced strings, booleans and keeps names with digits', () => {
    expect(fp("select * from t1 where x = 0x1F and y = X'1f' and z = _utf8mb4'abc' and b = b'01' and ok = TRUE # 123")).toBe(
      'select * from t1 where x = ? and y = ? and z = ? and b = ? and ok = ?',
    );
    expect(fp('SELECT 1st_col FROM 2tab WHERE c = .5')).toBe('select 1st_col from 2tab where c = ?');
    expect(fp("SET PASSWORD FOR 'bob'@'%' = 'Secr3t!'")).toBe('set password for ?@? = ?');
  });

  it('reads PostgreSQL: identifiers in double quotes, $1 parameters, dollar quotes, no backslash escapes', () => {
    const pg = (sql: string) => statementFingerprint(sql, { dialect: 'postgres' });
    expect(pg('select * from "Orders" where id = $1 and body = $$it\'s 1$$ and t = $tag$x$tag$')).toBe('select * from orders where id = ? and body = ? and t = ?');
    expect(pg("SELECT 'a\\' , 1")).toBe('select ?, ?');
    expect(pg("select E'a\\'b', x::int from t")).toBe('select ?, x :: int from t');
  });

  it('is bounded on huge input and stays linear', () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => `(${i}, 'name ${i}')`).join(', ');
    const started = performance.now();
    const huge = fp(`INSERT INTO t (a, b) VALUES ${rows}`);
    expect(performance.now() - started).toBeLessThan(500);
    expect(huge.startsWith('insert into t(a, b) values(?+)')).toBe(true);
    expect(huge.endsWith('…')).toBe(true);
    expect(huge.length).toBeLessThanOrEqual(MAX_FINGERPRINT_LENGTH);
    const names = fp(`SELECT ${Array.from({ length: MAX_FINGERPRINT_INPUT }, (_, i) => `c${i}`).join(', ')} FROM t`);
    expect(names.length).toBe(MAX_FINGERPRINT_LENGTH);
  });

  it('does not hang or throw on unterminated strings and comments', () => {
    expect(fp("SELECT 'unterminated")).toBe('select ?');
    expect(fp('SELECT 1 /* open')).toBe('select ?');
    expect(fp('')).toBe('');
  });
});
