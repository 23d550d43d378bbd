import { describe, expect, it } from 'vitest';
import { parsePgauditMessage } from './pgaudit-message.js';

describe('parsePgauditMessage', () => {
  it('splits the fields, unquoting statements with commas, quotes and line breaks', () => {
    expect(parsePgauditMessage('AUDIT: SESSION,4,1,READ,SELECT,TABLE,public.acct,SELECT * FROM acct WHERE id = 1,<none>')).toEqual({
      auditType: 'SESSION',
      statementId: 4,
      substatementId: 1,
      className: 'READ',
      command: 'SELECT',
      objectType: 'TABLE',
      objectName: 'public.acct',
      statement: 'SELECT * FROM acct WHERE id = 1',
      parameters: [],
    });
    const insert = parsePgauditMessage(`AUDIT: SESSION,3,1,WRITE,INSERT,TABLE,public.acct,"INSERT INTO acct VALUES (1, 'it''s ""4111""'), (2, E'multi\nline')",<none>`);
    expect(insert?.statement).toBe(`INSERT INTO acct VALUES (1, 'it''s "4111"'), (2, E'multi\nline')`);
    expect(insert?.objectName).toBe('public.acct');
  });

  it('keeps empty object fields and reads bound parameters', () => {
    const prepared = parsePgauditMessage('AUDIT: SESSION,6,1,READ,SELECT,TABLE,public.acct,PREPARE p(int) AS SELECT card FROM acct WHERE id = $1,2');
    expect(prepared).toMatchObject({ statementId: 6, substatementId: 1, parameters: ['2'] });
    expect(parsePgauditMessage('AUDIT: SESSION,9,1,ROLE,GRANT,TABLE,,GRANT SELECT ON acct TO PUBLIC,<none>')).toMatchObject({ objectType: 'TABLE', objectName: '', className: 'ROLE' });
    expect(parsePgauditMessage('AUDIT: SESSION,1,1,DDL,CREATE EXTENSION,,,CREATE EXTENSION pgaudit,<none>')?.objectType).toBe('');
    expect(parsePgauditMessage('AUDIT: SESSION,2,1,READ,SELECT,,,"SELECT $1, $2",<not logged>')?.parameters).toEqual([]);
    // The list is CSV, then quoted as one field: a value with a comma is quoted twice over.
    expect(parsePgauditMessage('AUDIT: SESSION,2,1,WRITE,INSERT,TABLE,public.cards,"INSERT INTO cards VALUES ($1, $2)","1,4111111111111111"')?.parameters).toEqual(['1', '4111111111111111']);
    expect(parsePgauditMessage('AUDIT: SESSION,2,1,READ,SELECT,,,"SELECT $1, $2","""a,b"",7"')?.parameters).toEqual(['a,b', '7']);
  });

  it('returns null for other messages and for malformed audit lines', () => {
    expect(parsePgauditMessage('connection authorized: user=master database=postgres')).toBeNull();
    expect(parsePgauditMessage('AUDIT: SESSION,x,1,READ,SELECT,,,SELECT 1,<none>')).toBeNull();
    expect(parsePgauditMessage('AUDIT: SESSION,1,1,READ,SELECT,,,"SELECT \'unterminated')).toBeNull();
    expect(parsePgauditMessage('AUDIT: SESSION,1')).toBeNull();
  });
});
