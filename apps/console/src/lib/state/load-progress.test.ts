import { describe, expect, it } from 'vitest';
import { parameterLabel, PhaseMemory, phasesOf } from './load-progress.js';

const run = (phase: 'prepare' | 'run', percentage: number, status = 'InProgress') => ({ id: 'r1', status, progress: { phase, percentage, tpmC: 0, elapsedSeconds: 1 } });

describe('load phases', () => {
  it('reads the data-set phase and the run phase apart', () => {
    expect(phasesOf(run('prepare', 40))).toEqual({ load: 40, run: 0 });
    expect(phasesOf(run('run', 2))).toEqual({ load: 100, run: 2 });
    expect(phasesOf({ status: 'Success', progress: undefined })).toEqual({ load: 100, run: 100 });
  });

  it('never goes backwards between polls', () => {
    const memory = new PhaseMemory();
    expect(memory.phases(run('prepare', 100))).toEqual({ load: 100, run: 0 });
    expect(memory.phases(run('run', 2))).toEqual({ load: 100, run: 2 });
    expect(memory.phases(run('run', 30))).toEqual({ load: 100, run: 30 });
    expect(memory.phases(run('run', 25))).toEqual({ load: 100, run: 30 });
  });

  it('names parameters readably', () => {
    expect([parameterLabel('dbUser'), parameterLabel('clusterEndpoint'), parameterLabel('someNewThing')]).toEqual(['Database user', 'Cluster endpoint', 'Some New Thing']);
  });
});
