import { describe, expect, it } from 'vitest';
import { escapeStatement, formatAuditLine, parseAuditLine, unescapeStatement, type AuditLine } from './audit-line.js';
import { SAMPLE_SESSION_LINES } from './sample-session-lines.test-support.js';

function parsed(text: string): AuditLine {
  const result = parseAuditLine(text);
  if (!result.ok) throw new Error(`not parsed: ${result.reason}`);
  return result.line;
}

describe('parseAuditLine', () => {
  it('reads every line of a real session and writes each back byte for byte', () => {
    for (const text of SAMPLE_SESSION_LINES) expect(formatAuditLine(parsed(text))).toBe(text);
  });

  it('splits the fields of a failed login', () => {
    expect(parsed('20261125 02:23:25,vm,app,localhost,5,0,FAILED_CONNECT,,,1045')).toEqual({
      timestamp: '20261125 02:23:25', serverHost: 'vm', username: 'app', host: 'localhost', connectionId: 5,
      queryId: 0, operation: 'FAILED_CONNECT', database: '', object: '', retcode: 1045,
    });
  });

  it('gives table events a null retcode and keeps a rename target', () => {
    const line = parsed('20261125 02:23:25,vm,app,localhost,7,25,RENAME,probe_db,t2|probe_db.t3,');
    expect(line).toMatchObject({ operation: 'RENAME', database: 'probe_db', object: 't2|probe_db.t3', retcode: null, queryId: 25 });
  });

  it('undoes quotes, backslashes, newlines and tabs exactly', () => {
    const line = parsed(SAMPLE_SESSION_LINES.find((l) => l.includes('backslash-n')) as string);
    expect(line.object).toBe(`INSERT INTO t1 (id, name, note)\nVALUES (1, 'alice', 'it''s a "quoted"\tvalue\\nwith backslash-n')`);
    const obrien = parsed(SAMPLE_SESSION_LINES.find((l) => l.includes('brien')) as string);
    expect(obrien.object).toBe(`INSERT INTO t1 VALUES (2, 'o\\'brien', 'line1\\nline2')`);
  });

  it('keeps commas inside the statement', () => {
    const line = parsed(String.raw`20261125 03:04:57,vm,root,127.0.0.1,4,8,QUERY,,'select \'a,b\', 1,2',0`);
    expect(line.object).toBe(`select 'a,b', 1,2`);
    expect(line.retcode).toBe(0);
  });

  it('round-trips statements with multi-byte text, quotes, commas and control characters', () => {
    const statements = [
      `SELECT 'é日本語', "dq'x", 'a,b,,c'`,
      `INSERT INTO t VALUES ('emoji 🎉', 'tab\there', 'cr\rlf\n')`,
      `SELECT '\\\\server\\share', '\\'', 'end\\'`,
      `/* app=probe req=42 */\nSELECT\n  COUNT(*)\nFROM t1`,
      '',
    ];
    for (const statement of statements) {
      const line: AuditLine = {
        timestamp: '20261125 02:23:25', serverHost: 'vm', username: 'app', host: '127.0.0.1', connectionId: 9,
        queryId: 42, operation: 'QUERY', database: 'db', object: statement, retcode: 0,
      };
      const text = formatAuditLine(line);
      expect(text).not.toContain('\n');
      expect(parsed(text)).toEqual(line);
    }
  });

  it('reads a statement the plugin cut at its length limit', () => {
    const line = parsed(String.raw`20261125 03:05:16,vm,root,127.0.0.1,3,4,QUERY,,'SELECT \'abc\\\'def\', \'ghi\' /* longer',0`);
    expect(line.object).toBe(`SELECT 'abc\\'def', 'ghi' /* longer`);
  });

  it('rejects lines that are not audit events, with a reason', () => {
    expect(parseAuditLine('')).toEqual({ ok: false, reason: 'TOO_FEW_FIELDS' });
    expect(parseAuditLine('garbage,with,commas')).toEqual({ ok: false, reason: 'TOO_FEW_FIELDS' });
    expect(parseAuditLine('2026-11-25 02:23:25,vm,app,h,1,0,CONNECT,,,0')).toEqual({ ok: false, reason: 'BAD_TIMESTAMP' });
    expect(parseAuditLine('20261125 02:23:25,vm,app,h,x,0,CONNECT,,,0')).toEqual({ ok: false, reason: 'BAD_ID' });
    expect(parseAuditLine('20261125 02:23:25,vm,app,h,1,0,CONNECT,,,zero')).toEqual({ ok: false, reason: 'BAD_RETCODE' });
    // Eight commas and no ninth: no return code field.
    expect(parseAuditLine('20261125 02:23:25,vm,app,h,1,0,CONNECT,db,')).toEqual({ ok: false, reason: 'TOO_FEW_FIELDS' });
    expect(parseAuditLine('20261125 02:23:2x,vm,app,h,1,0,CONNECT,,,0')).toEqual({ ok: false, reason: 'BAD_TIMESTAMP' });
    expect(parseAuditLine('20261125T02:23:25,vm,app,h,1,0,CONNECT,,,0')).toEqual({ ok: false, reason: 'BAD_TIMESTAMP' });
    expect(parseAuditLine('20261125 02:23:25,vm,app,h,,0,CONNECT,,,0')).toEqual({ ok: false, reason: 'BAD_ID' });
    expect(parseAuditLine('20261125 02:23:25,vm,app,h,1,-2,CONNECT,,,0')).toEqual({ ok: false, reason: 'BAD_ID' });
    expect(parseAuditLine('20261125 02:23:25,vm,app,h,1,0,CONNECT,,,-')).toEqual({ ok: false, reason: 'BAD_RETCODE' });
    expect(parseAuditLine('20261125 02:23:25,vm,app,h,1,0,CONNECT,,,1-2')).toEqual({ ok: false, reason: 'BAD_RETCODE' });
    // A negative return code and an empty one (table lines) are fine.
    expect(parseAuditLine('20261125 02:23:25,vm,app,h,1,0,CONNECT,,,-1')).toMatchObject({ ok: true, line: { retcode: -1, connectionId: 1, queryId: 0 } });
    expect(parseAuditLine('20261125 02:23:25,vm,app,h,1,9,READ,db,t,')).toMatchObject({ ok: true, line: { retcode: null, object: 't', database: 'db' } });
  });

  it('reads ids of any length as Number() does, and every operation, known or not', () => {
    for (const id of ['0', '7', '007', '123456789012345', '1234567890123456', '9007199254740993', '18446744073709551615']) {
      expect(parsed(`20261125 02:23:25,vm,app,h,${id},${id},QUERY,,'x',0`)).toMatchObject({ connectionId: Number(id), queryId: Number(id) });
    }
    for (const operation of ['QUERY', 'READ', 'WRITE', 'CONNECT', 'DISCONNECT', 'FAILED_CONNECT', 'CHANGEUSER', 'CREATE', 'ALTER', 'DROP', 'RENAME', 'QUER', 'QUERYX', 'PROXY_CONNECT', 'read', '']) {
      expect(parsed(`20261125 02:23:25,vm,app,h,1,2,${operation},db,t,0`).operation).toBe(operation);
    }
  });

  it('escapes and unescapes as inverses', () => {
    const text = `a\\b'c\nd\te\rf`;
    expect(escapeStatement(text)).toBe(String.raw`a\\b\'c\nd\te\rf`);
    expect(unescapeStatement(escapeStatement(text))).toBe(text);
  });

  it('unescapes quotes-only statements by the short way and anything else as the plugin wrote it', () => {
    expect(unescapeStatement(String.raw`VALUES (\'a\', \'b\')`)).toBe("VALUES ('a', 'b')");
    // A quote after an escaped backslash, pairs the plugin never writes, a lone backslash at the end.
    expect(unescapeStatement(String.raw`x\\'y`)).toBe(String.raw`x\'y`);
    expect(unescapeStatement(String.raw`a\xb\'`)).toBe(String.raw`a\xb'`);
    expect(unescapeStatement('end\\')).toBe('end\\');
    // Every escaped text of these characters comes back exactly (seeded, so the same each run).
    const alphabet = ['a', "'", '\\', '\n', '\t', '\r', ' '];
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      let text = '';
      for (let length = i % 13; length > 0; length--) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        text += alphabet[seed % alphabet.length];
      }
      expect(unescapeStatement(escapeStatement(text))).toBe(text);
    }
  });
});
