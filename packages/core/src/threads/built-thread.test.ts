import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { startBuiltThread, threadExecArgv } from './built-thread.js';

describe('threadExecArgv', () => {
  it('drops --conditions in every form and the flags named as refused', () => {
    expect(threadExecArgv(['--conditions', '@das/source', '--enable-source-maps', '-C', 'x', '--conditions=y', '--max-old-space-size=2048'], new Set(['--max-old-space-size=2048']))).toEqual([
      '--enable-source-maps',
    ]);
  });
});

describe('startBuiltThread', () => {
  it('starts a thread when the process runs with flags Node refuses for threads (V8 options)', async () => {
    const execArgv = process.execArgv;
    // As `node --max-old-space-size=4096 --stack-trace-limit=50 das-local` would.
    Object.defineProperty(process, 'execArgv', { value: [...execArgv, '--max-old-space-size=4096', '--stack-trace-limit=50'], configurable: true });
    try {
      const worker = startBuiltThread("require('node:worker_threads').parentPort.postMessage(process.execArgv)", { eval: true });
      const [seen] = (await once(worker, 'message')) as [string[]];
      expect(seen).not.toContain('--max-old-space-size=4096');
      expect(seen).not.toContain('--stack-trace-limit=50');
      await worker.terminate();
    } finally {
      Object.defineProperty(process, 'execArgv', { value: execArgv, configurable: true });
    }
  });
});
