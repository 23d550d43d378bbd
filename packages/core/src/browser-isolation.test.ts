import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';
import { describe, expect, it } from 'vitest';

const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const FORBIDDEN_PACKAGES = /^(@aws-sdk|@aws-crypto|@smithy)\//;

/**
 * Bundles an entry for the browser the way the console's Vite build would, and lists every
 * import of a Node built-in or AWS package anywhere in its module graph (typebox included).
 */
async function forbiddenImports(entry: string): Promise<{ forbidden: string[]; modules: string[] }> {
  const forbidden: string[] = [];
  const modules: string[] = [];
  const bundle = await rolldown({
    input: fileURLToPath(new URL(entry, import.meta.url)),
    platform: 'browser',
    logLevel: 'silent',
    resolve: { extensionAlias: { '.js': ['.ts', '.js'] }, conditionNames: ['browser', 'import', 'default'] },
    plugins: [
      {
        name: 'record-imports',
        resolveId(source) {
          if (NODE_BUILTINS.has(source) || FORBIDDEN_PACKAGES.test(source)) {
            forbidden.push(source);
            return { id: source, external: true };
          }
          return null;
        },
        load(id) {
          modules.push(id);
          return null;
        },
      },
    ],
  });
  await bundle.generate({ format: 'esm' });
  await bundle.close();
  return { forbidden: [...new Set(forbidden)].sort(), modules };
}

describe('isomorphic entries', () => {
  it('@das/core/browser pulls no Node built-in and no AWS SDK', async () => {
    const { forbidden, modules } = await forbiddenImports('./browser.ts');
    expect(forbidden).toEqual([]);
    expect(modules.some((id) => id.includes('/typebox/'))).toBe(true);
  });

  it('@das/core/filter pulls no Node built-in, no AWS SDK and not even typebox', async () => {
    const { forbidden, modules } = await forbiddenImports('./filter.ts');
    expect(forbidden).toEqual([]);
    expect(modules.some((id) => id.endsWith('event-filter.ts'))).toBe(true);
    expect(modules.filter((id) => id.includes('/typebox/') || id.endsWith('-schema.ts'))).toEqual([]);
  });

  it('@das/core/fields pulls no Node built-in, no AWS SDK and not even typebox', async () => {
    const { forbidden, modules } = await forbiddenImports('./fields.ts');
    expect(forbidden).toEqual([]);
    expect(modules.some((id) => id.endsWith('event-fields.ts'))).toBe(true);
    expect(modules.filter((id) => id.includes('/typebox/') || id.includes('/schemas/'))).toEqual([]);
  });

  it('@das/core/fixtures pulls no Node built-in and no AWS SDK', async () => {
    const { forbidden, modules } = await forbiddenImports('./fixtures/index.ts');
    expect(forbidden).toEqual([]);
    expect(modules.some((id) => id.endsWith('event-generator.ts'))).toBe(true);
  });

  it('the check does see the Node entry’s crypto imports', async () => {
    const { forbidden } = await forbiddenImports('./index.ts');
    expect(forbidden).toEqual(expect.arrayContaining(['@aws-crypto/client-node', '@aws-sdk/client-kms', 'node:zlib']));
  });
});
