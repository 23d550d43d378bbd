import { describe, expect, it } from 'vitest';
import { parseLoadProgress } from './load-progress.js';

const line = (value: object) => JSON.stringify(value);
const progress = (elapsedSec: number, pct: number, tpmC: number, durationSec = 60) =>
  line({ type: 'progress', elapsedSec, durationSec, pct, tpmC, tps: 200.1, errors: 0, retries: 1 });

describe('parseLoadProgress', () => {
  it('takes the last progress line of the --json output', () => {
    const output = [
      line({ type: 'load', elapsedSec: 4.2, pct: 35, rowsLoaded: 210000, rowsTotal: 600000, unitsDone: 12, unitsTotal: 41, unitsSkipped: 0 }),
      progress(10, 16, 5400),
      progress(20.5, 34, 5712.5),
      '',
    ].join('\n');
    expect(parseLoadProgress(output)).toEqual({ phase: 'run', tpmC: 5712.5, elapsedSeconds: 20.5, percentage: 34 });
  });

  it('reads the final result as 100 % unless cancelled, then as the elapsed share of the duration', () => {
    expect(parseLoadProgress(line({ type: 'result', elapsedSec: 60, durationSec: 60, cancelled: false, threads: 4, warehouses: 1, tpmC: 6000, tps: 220 }))).toEqual({
      phase: 'run',
      tpmC: 6000,
      elapsedSeconds: 60,
      percentage: 100,
    });
    expect(parseLoadProgress(line({ type: 'result', elapsedSec: 15, durationSec: 60, cancelled: true, threads: 4, tpmC: 3000 }))).toEqual({
      phase: 'run',
      tpmC: 3000,
      elapsedSeconds: 15,
      percentage: 25,
    });
  });

  it('clamps the percentage', () => {
    expect(parseLoadProgress(progress(90, 150, 1))?.percentage).toBe(100);
    expect(parseLoadProgress(line({ type: 'result', elapsedSec: 90, durationSec: 60, cancelled: true, tpmC: 1 }))?.percentage).toBe(100);
  });

  it('skips the runner echoes and other lines after the last progress line', () => {
    const output = `${progress(5, 25, 1200, 20)}\n+ das-tpcc run --host h\nnoise\n`;
    expect(parseLoadProgress(output)).toEqual({ phase: 'run', tpmC: 1200, elapsedSeconds: 5, percentage: 25 });
  });

  it('reports the prepare phase from load lines', () => {
    expect(parseLoadProgress(`+ das-tpcc prepare\n${line({ type: 'load', elapsedSec: 4.2, pct: 35 })}\n`)).toEqual({
      phase: 'prepare',
      tpmC: 0,
      elapsedSeconds: 4.2,
      percentage: 35,
    });
  });

  it('reads loaded as prepare done, and a result followed by an error line', () => {
    const prepared = [line({ type: 'load', elapsedSec: 3.8, pct: 29 }), line({ type: 'loaded', warehouses: 1, rowsLoaded: 599269, unitsLoaded: 41, unitsSkipped: 0, elapsedSec: 12.6 })];
    expect(parseLoadProgress(prepared.join('\n'))).toEqual({ phase: 'prepare', tpmC: 0, elapsedSeconds: 12.6, percentage: 100 });
    const tail = [
      line({ type: 'result', elapsedSec: 60, durationSec: 60, cancelled: false, threads: 4, warehouses: 1, tpmC: 13645, tps: 503.1 }),
      line({ type: 'error', code: 'TPCC_ERROR', message: 'lost connection' }),
    ].join('\n');
    expect(parseLoadProgress(tail)).toEqual({ phase: 'run', tpmC: 13645, elapsedSeconds: 60, percentage: 100 });
  });

  it('returns undefined when there is no progress yet, the lines are broken, or it is text', () => {
    expect(parseLoadProgress(undefined)).toBeUndefined();
    expect(parseLoadProgress('')).toBeUndefined();
    expect(parseLoadProgress('preparing tables\n+ das-tpcc prepare --host h')).toBeUndefined();
    expect(parseLoadProgress('{"type":"progress"}\n{broken')).toBeUndefined();
    // das-tpcc's text output is for people: the API does not read it.
    expect(parseLoadProgress('progress elapsed=30s/60s pct=50 tpmC=4200 tps=150 errors=0 retries=0')).toBeUndefined();
  });
});
