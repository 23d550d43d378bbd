import { dasVitestConfig } from '@das/vitest-config';

// These tests start the emulator, its MariaDB and built bins: one file at a time.
export default dasVitestConfig({ test: { testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false } });
