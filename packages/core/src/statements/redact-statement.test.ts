import { describe, expect, it } from 'vitest';
import { MAX_REDACT_INPUT, redactStatement } from './redact-statement.js';

describe('redactStatement', () => {
  it('keeps the statement as written but replaces every literal', () => {
    expect(redactStatement("SELECT name FROM cards WHERE pan = '4111111111111111' AND cvv = 123")).toBe(
      'SELECT name FROM cards WHERE pan = ? AND cvv = ?',
    );
    expect(redactStatement('UPDATE t1 SET n = 0x1F,\n  m = -2.5e3 WHERE id IN (1,2)')).toBe('UPDATE t1 SET n = ?,\n  m = -? WHERE id IN (?,?)');
  });

  it('never lets a password through', () => {
    expect(redactStatement("SET PASSWORD FOR 'bob'@'%' = 'Secr3t!'")).toBe('SET PASSWORD FOR ?@? = ?');
    expect(redactStatement("CREATE USER app IDENTIFIED BY 'p\\'w''d'")).toBe('CREATE USER app IDENTIFIED BY ?');
    expect(redactStatement("ALTER USER \\'app\\'@\\'%\\' IDENTIFIED BY \\'s3cr\\\\\\'et\\'")).toBe('ALTER USER ?@? IDENTIFIED BY ?');
    expect(redactStatement("ALTER ROLE app PASSWORD 'x1'", { dialect: 'postgres' })).toBe('ALTER ROLE app PASSWORD ?');
    expect(redactStatement("SELECT 'never closed 4111")).toBe('SELECT ?');
  });

  it('keeps names, including quoted ones and ones with digits, and PostgreSQL parameters', () => {
    expect(redactStatement('SELECT `c1` FROM t2 WHERE x = 5')).toBe('SELECT `c1` FROM t2 WHERE x = ?');
    expect(redactStatement('SELECT "Col" FROM t WHERE a = $1 AND b = $$x$$', { dialect: 'postgres' })).toBe('SELECT "Col" FROM t WHERE a = $1 AND b = ?');
    expect(redactStatement('SELECT "secret" FROM t')).toBe('SELECT ? FROM t');
  });

  it('masks digits in comments and cuts huge input without copying what it did not read', () => {
    expect(redactStatement('/* card 4111 */ SELECT 1 -- 42\n')).toBe('/* card ? */ SELECT ? -- ?\n');
    const huge = `SELECT '${'x'.repeat(MAX_REDACT_INPUT)}', 'tail-secret'`;
    const redacted = redactStatement(huge);
    expect(redacted).toBe('SELECT ?…');
  });
});
