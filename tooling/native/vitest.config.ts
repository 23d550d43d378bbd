import { dasVitestConfig } from '@das/vitest-config';

export default dasVitestConfig();
