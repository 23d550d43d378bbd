import { svelte } from '@sveltejs/vite-plugin-svelte';
import { dasVitestConfig } from '@das/vitest-config';
import { defineConfig } from 'vitest/config';

// Two projects: component/state tests in jsdom beside the code, browser e2e in Node driving Chromium.
export default dasVitestConfig({
  test: {
    projects: [
      defineConfig({
        plugins: [svelte()],
        resolve: { conditions: ['@das/source', 'browser', 'module', 'import', 'default'] },
        test: {
          name: 'unit',
          environment: 'jsdom',
          include: ['src/**/*.test.ts'],
          setupFiles: ['@testing-library/svelte/vitest'],
        },
      }),
      defineConfig({
        resolve: { conditions: ['@das/source', 'node', 'import', 'default'] },
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      }),
    ],
  },
});
