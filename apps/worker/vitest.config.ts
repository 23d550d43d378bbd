import { dasVitestConfig } from '@das/vitest-config';

export default dasVitestConfig({ test: { globalSetup: ['test/support/global-setup.ts'] } });
