import { svelte } from '@sveltejs/vite-plugin-svelte';
import { dasVitestConfig } from '@das/vitest-config';
import { defineConfig } from 'vitest/config';

const browserConditions = ['@das/source', 'browser', 'module', 'import', 'default'];
const nodeConditions = ['@das/source', 'node', 'import', 'default'];

/** Browser tiers run in Node, drive Chromium, and share one fresh `vite build`. */
function chromiumProject(name: string, include: string[]) {
  return defineConfig({
    resolve: { conditions: nodeConditions },
    test: {
      name,
      environment: 'node',
      include,
      globalSetup: ['./test/support/global-setup.ts'],
      testTimeout: 180_000,
      hookTimeout: 180_000,
      fileParallelism: false,
    },
  });
}

// unit: state classes and components in jsdom, beside the code. e2e: real Chromium.
// bench: the live-table benchmark (`npm run bench`), not part of `npm test`.
export default dasVitestConfig({
  test: {
    projects: [
      defineConfig({
        plugins: [svelte()],
        resolve: { conditions: browserConditions },
        test: {
          name: 'unit',
          environment: 'jsdom',
          include: ['src/**/*.test.ts'],
          setupFiles: ['./src/test-setup.ts', '@testing-library/svelte/vitest'],
        },
      }),
      chromiumProject('e2e', ['test/**/*.test.ts']),
      chromiumProject('bench', ['bench/**/*.bench.test.ts']),
    ],
  },
});
