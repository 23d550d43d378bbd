import { describe, expect, it } from 'vitest';
import { kmsAliasName, runLabSequence, type LabPort } from './lab.js';

/** A port that records the AWS calls in order, over a stream in `status`. */
function fakePort(options: { key: string | null; status: 'stopped' | 'started' | 'stopping' }) {
  const calls: string[] = [];
  const port: LabPort = {
    findLabKey: async () => (calls.push('findLabKey'), options.key),
    createLabKey: async () => (calls.push('createLabKey'), 'arn:new'),
    streamStatus: async () => (calls.push('streamStatus'), options.status),
    startStream: async (arn) => void calls.push(`startStream ${arn}`),
    waitForStream: async (status) => void calls.push(`waitForStream ${status}`),
    runLoad: async () => void calls.push('runLoad'),
    readActivity: async () => void calls.push('readActivity'),
    stopStream: async () => void calls.push('stopStream'),
  };
  return { port, calls };
}

describe('runLabSequence', () => {
  it('creates the key, starts the stream, loads, reads and stops, announcing the five steps', async () => {
    const { port, calls } = fakePort({ key: null, status: 'stopped' });
    const steps: string[] = [];
    await runLabSequence(port, { onStep: (step, n, skipped) => steps.push(`${n} ${step.id}${skipped ? ' skipped' : ''}`), note: () => {} });
    expect(steps).toEqual(['1 key', '2 stream', '3 load', '4 read', '5 stop']);
    expect(calls).toEqual([
      'findLabKey', 'createLabKey', 'streamStatus', 'startStream arn:new', 'waitForStream started',
      'runLoad', 'readActivity', 'stopStream', 'waitForStream stopped',
    ]);
  });

  it('reuses the key, leaves a started stream alone and keeps it on request', async () => {
    const { port, calls } = fakePort({ key: 'arn:old', status: 'started' });
    const notes: string[] = [];
    const steps: string[] = [];
    await runLabSequence(port, { keepStream: true, onStep: (step, n, skipped) => steps.push(`${n}${skipped ? ' skipped' : ''}`), note: (t) => notes.push(t) });
    expect(calls).toEqual(['findLabKey', 'streamStatus', 'waitForStream started', 'runLoad', 'readActivity']);
    expect(steps.at(-1)).toBe('5 skipped');
    expect(notes).toEqual(['reusing alias/auroralab-mysql-das → arn:old', 'the activity stream is already started']);
  });

  it('waits for a stopping stream to stop before starting it again', async () => {
    const { port, calls } = fakePort({ key: 'arn:old', status: 'stopping' });
    await runLabSequence(port, { onStep: () => {}, note: () => {} });
    expect(calls.slice(1, 5)).toEqual(['streamStatus', 'waitForStream stopped', 'startStream arn:old', 'waitForStream started']);
  });

  it('names aliases as KMS does', () => {
    expect(kmsAliasName('x')).toBe('alias/x');
    expect(kmsAliasName('alias/x')).toBe('alias/x');
  });
});
