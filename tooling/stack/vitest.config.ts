import { dasVitestConfig } from '@das/vitest-config';

// The smoke test starts the whole stack: give it room, and never run two stacks at once.
export default dasVitestConfig({ test: { testTimeout: 240_000, hookTimeout: 240_000, fileParallelism: false } });
