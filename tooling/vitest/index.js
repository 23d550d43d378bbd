// Shared Vitest defaults. Workspace packages resolve to their TypeScript sources through the
// `@das/source` export condition, so a test never runs against a stale `dist/`.
import { defineConfig, mergeConfig } from 'vitest/config';

const conditions = ['@das/source'];

/** @param {import('vitest/config').ViteUserConfig} [overrides] */
export function dasVitestConfig(overrides = {}) {
  return mergeConfig(
    defineConfig({
      resolve: { conditions: [...conditions, 'module', 'node', 'default'] },
      // No 'import' here: vitest hands these to Node as --conditions, and CommonJS dependencies
      // (kinesalite's bignumber.js) would then get ESM builds from require().
      ssr: { resolve: { conditions: [...conditions, 'node', 'default'], externalConditions: conditions } },
      test: {
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        testTimeout: 30_000,
        hookTimeout: 60_000,
        pool: 'forks',
      },
    }),
    overrides,
  );
}

export default dasVitestConfig();
