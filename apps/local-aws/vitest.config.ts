import { dasVitestConfig } from '@das/vitest-config';

const config = dasVitestConfig();
// The shared config lists `import` among the SSR conditions, which vitest also hands to the
// test processes as `--conditions import`: native `require` inside kinesalite then loads the
// ESM build of bignumber.js ("BigNumber is not a constructor"). Node picks import/require by
// itself, so leave it out here.
config.ssr!.resolve!.conditions = (config.ssr!.resolve!.conditions ?? []).filter((condition) => condition !== 'import');

export default config;
