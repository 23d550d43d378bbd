import { dasVitestConfig } from '@das/vitest-config';

const config = dasVitestConfig({ test: { globalSetup: ['test/support/global-setup.ts'] } });
// vitest hands the SSR conditions to the test processes as `--conditions`; with `import` among
// them, kinesalite's native `require('bignumber.js')` loads the ESM build and breaks.
config.ssr!.resolve!.conditions = (config.ssr!.resolve!.conditions ?? []).filter((condition) => condition !== 'import');

export default config;
