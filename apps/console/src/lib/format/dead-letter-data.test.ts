import { describe, expect, it } from 'vitest';
import { byteSize, decodeRecordData } from './dead-letter-data.js';

describe('decodeRecordData', () => {
  it('shows a JSON envelope pretty-printed', () => {
    const decoded = decodeRecordData(btoa('{"type":"DatabaseActivityMonitoringRecords","version":"1.2"}'));
    expect(decoded.kind).toBe('json');
    expect(decoded.text).toContain('\n  "type": "DatabaseActivityMonitoringRecords"');
  });

  it('falls back to text, then to hex for bytes that are not UTF-8', () => {
    expect(decodeRecordData(btoa('not json {'))).toMatchObject({ kind: 'text', text: 'not json {' });
    const binary = decodeRecordData(btoa(String.fromCharCode(0xff, 0xfe, 0x00, 0x41)));
    expect(binary).toMatchObject({ kind: 'binary', bytes: 4 });
    expect(binary.text).toBe('00000000  ff fe 00 41');
    expect(decodeRecordData('%%%').kind).toBe('invalid');
  });

  it('sizes payloads', () => {
    expect([byteSize(10), byteSize(412_345), byteSize(3_000_000)]).toEqual(['10 B', '403 KB', '2.9 MB']);
  });
});
