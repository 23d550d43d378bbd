import { describe, expect, it } from 'vitest';
import { parseLoadProgress } from './load-progress.js';

describe('parseLoadProgress', () => {
  it('takes the last progress line of the text output', () => {
    const output = [
      'load elapsed=4.2s pct=35 rows=210000/600000 units=12/41 skipped=0',
      'progress elapsed=10s/60s pct=16 tpmC=5400 tps=200.1 newOrder=90.2 p50=3.1ms errors=0 retries=1',
      'progress elapsed=20.5s/60s pct=34 tpmC=5712.5 tps=210 newOrder=95 p50=3ms errors=0 retries=1',
      '',
    ].join('\n');
    expect(parseLoadProgress(output)).toEqual({ phase: 'run', tpmC: 5712.5, elapsedSeconds: 20.5, percentage: 34 });
  });

  it('reads the final result line as 100 % unless cancelled', () => {
    expect(parseLoadProgress('result elapsed=60s duration=60s cancelled=false threads=4 warehouses=1 tpmC=6000 tps=220')).toEqual({
      phase: 'run',
      tpmC: 6000,
      elapsedSeconds: 60,
      percentage: 100,
    });
    expect(parseLoadProgress('result elapsed=15s duration=60s cancelled=true threads=4 tpmC=3000')).toEqual({
      phase: 'run',
      tpmC: 3000,
      elapsedSeconds: 15,
      percentage: 25,
    });
  });

  it('computes the percentage from elapsed/duration when pct is absent and clamps it', () => {
    expect(parseLoadProgress('progress elapsed=30s/60s tpmC=1')?.percentage).toBe(50);
    expect(parseLoadProgress('progress elapsed=90s/60s tpmC=1')?.percentage).toBe(100);
  });

  it('reads JSON lines (--json)', () => {
    const output = `${JSON.stringify({ type: 'progress', elapsedSec: 5, durationSec: 20, tpmC: 1200 })}\nnoise\n`;
    expect(parseLoadProgress(output)).toEqual({ phase: 'run', tpmC: 1200, elapsedSeconds: 5, percentage: 25 });
  });

  it('reports the prepare phase from load lines', () => {
    expect(parseLoadProgress('+ das-tpcc prepare\nload elapsed=4.2s pct=35 rows=210000/600000 units=12/41 skipped=0\n')).toEqual({
      phase: 'prepare',
      tpmC: 0,
      elapsedSeconds: 4.2,
      percentage: 35,
    });
  });

  it('reads the rest of the das-tpcc README sample: loaded, then result followed by latency/check lines', () => {
    expect(parseLoadProgress('load elapsed=3.8s pct=29 rows=1/2 units=4/41 skipped=0\nloaded warehouses=1 rows=599269 units=41 skipped=0 elapsed=12.6s')).toEqual(
      { phase: 'prepare', tpmC: 0, elapsedSeconds: 12.6, percentage: 100 },
    );
    const tail = [
      'result elapsed=60s duration=60s cancelled=false threads=4 warehouses=1 tpmC=13645 tps=503.1 newOrder=2278 p50=6.07ms errors=0',
      'latency type=newOrder count=2278 p50=8.48ms p95=20.27ms p99=28.34ms',
      'error code=ER_LOCK_WAIT_TIMEOUT count=1',
      'check ok=true warehouses=1',
    ].join('\n');
    expect(parseLoadProgress(tail)).toEqual({ phase: 'run', tpmC: 13645, elapsedSeconds: 60, percentage: 100 });
    expect(parseLoadProgress(JSON.stringify({ type: 'load', elapsedSec: 2, pct: 40 }))).toEqual({ phase: 'prepare', tpmC: 0, elapsedSeconds: 2, percentage: 40 });
  });

  it('returns undefined when there is no progress yet or the lines are broken', () => {
    expect(parseLoadProgress(undefined)).toBeUndefined();
    expect(parseLoadProgress('')).toBeUndefined();
    expect(parseLoadProgress('preparing tables\n+ das-tpcc prepare --host h')).toBeUndefined();
    expect(parseLoadProgress('progress elapsed=abc tpmC=x\n{"type":"progress"}\n{broken')).toBeUndefined();
  });
});
