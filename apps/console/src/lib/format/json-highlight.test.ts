import { describe, expect, it } from 'vitest';
import { highlightJson } from './json-highlight.js';

describe('highlightJson', () => {
  it('tokenises pretty JSON so that joining the tokens gives the pretty text back', () => {
    const value = { commandText: 'show status like \\\'x\\\'', pid: 20555, paramList: null, ok: true, n: -1.5e3, list: [1, 'a'] };
    const tokens = highlightJson(value);
    expect(tokens.map((t) => t.text).join('')).toBe(JSON.stringify(value, null, 2));
    expect(tokens.filter((t) => t.kind === 'key').map((t) => t.text)).toEqual(['"commandText"', '"pid"', '"paramList"', '"ok"', '"n"', '"list"']);
    expect(tokens.find((t) => t.kind === 'number')?.text).toBe('20555');
    expect(tokens.find((t) => t.kind === 'null')?.text).toBe('null');
    expect(tokens.find((t) => t.kind === 'boolean')?.text).toBe('true');
  });

  it('treats an escaped quote inside a string as part of the string', () => {
    const tokens = highlightJson({ text: 'say "hi": now' });
    expect(tokens.filter((t) => t.kind === 'string').map((t) => t.text)).toEqual(['"say \\"hi\\": now"']);
  });
});
