import { dasVitestConfig } from '@das/vitest-config';

const config = dasVitestConfig();
// The integration tests run @das/local-aws in process; as in its own config, drop the `import`
// SSR condition so kinesalite's native `require` loads the CommonJS bignumber.js.
config.ssr!.resolve!.conditions = (config.ssr!.resolve!.conditions ?? []).filter((condition) => condition !== 'import');

export default config;
