import { describe, expect, it } from 'vitest';
import { parseTpccJsonLine } from './json-lines.js';

describe('parseTpccJsonLine', () => {
  it('reads each line type --json prints', () => {
    const progress = { type: 'progress', elapsedSec: 10, durationSec: 60, pct: 16, tpmC: 5400, tps: 200.1 };
    expect(parseTpccJsonLine(JSON.stringify(progress))).toEqual(progress);
    expect(parseTpccJsonLine(` ${JSON.stringify({ type: 'load', elapsedSec: 4.2, pct: 35 })}\r`)).toMatchObject({ type: 'load', pct: 35 });
    expect(parseTpccJsonLine(JSON.stringify({ type: 'loaded', elapsedSec: 12.6, warehouses: 1 }))?.type).toBe('loaded');
    expect(parseTpccJsonLine(JSON.stringify({ type: 'result', elapsedSec: 60, durationSec: 60, tpmC: 1, cancelled: false }))?.type).toBe('result');
    expect(parseTpccJsonLine(JSON.stringify({ type: 'error', code: 'TPCC_ERROR', message: 'x' }))?.type).toBe('error');
  });

  it('refuses text, torn JSON, unknown types and lines missing what a reader relies on', () => {
    expect(parseTpccJsonLine('progress elapsed=10s/60s pct=16 tpmC=5400')).toBeUndefined();
    expect(parseTpccJsonLine('{"type":"progress"')).toBeUndefined();
    expect(parseTpccJsonLine('{"type":"toString","ok":true}')).toBeUndefined();
    expect(parseTpccJsonLine('{"type":"progress","elapsedSec":5,"durationSec":20,"tpmC":1200}')).toBeUndefined();
    expect(parseTpccJsonLine('{"type":"result","elapsedSec":"60","durationSec":60,"tpmC":1,"cancelled":false}')).toBeUndefined();
    expect(parseTpccJsonLine('null')).toBeUndefined();
  });
});
