// Shared Vitest defaults. Workspace packages resolve to their TypeScript sources through the
// `@das/source` export condition, so a test never runs against a stale `dist/`.
import { defineConfig, mergeConfig } from 'vitest/config';

const conditions = ['@das/source'];

/** @param {import('vitest/config').ViteUserConfig} [overrides] */
export function dasVitestConfig(overrides = {}) {
  return mergeConfig(
    defineConfig({
      resolve: { conditions: [...conditions, 'module', 'node', 'import', 'default'] },
      ssr: { resolve: { conditions: [...conditions, 'node', 'import', 'default'], externalConditions: conditions } },
      test: {
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        testTimeout: 30_000,
        hookTimeout: 60_000,
        pool: 'forks',
        reporters: process.env.CI ? ['default'] : ['default'],
      },
    }),
    overrides,
  );
}

export default dasVitestConfig();
