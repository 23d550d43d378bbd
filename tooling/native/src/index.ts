// Loads a package's Node-API addon, the one build-addon.mjs put in the package's dist/native, once
// per thread (module state is per thread, and Node-API addons load in worker threads too).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The addon, or why it could not be loaded (not built here, a missing library…). */
export type AddonLoad<T> = { addon: T; failure?: undefined } | { addon?: undefined; failure: string };

/**
 * A loader of `<package>/dist/native/<name>.node` for a module one folder below the package's root
 * (`moduleUrl`: its `import.meta.url`, in src/ for tests and dist/ alike). It tries once and
 * keeps the outcome.
 */
export function addonLoader<T>(moduleUrl: string, name: string): () => AddonLoad<T> {
  let loaded: AddonLoad<T> | undefined;
  return () => {
    if (loaded !== undefined) return loaded;
    try {
      loaded = { addon: createRequire(moduleUrl)(fileURLToPath(new URL(`../dist/native/${name}.node`, moduleUrl))) as T };
    } catch (error) {
      loaded = { failure: (error as Error).message };
    }
    return loaded;
  };
}
