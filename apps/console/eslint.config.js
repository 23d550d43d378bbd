import { dasConfig } from '@das/eslint-config';

export default [...dasConfig({ browser: true, svelte: true }), { ignores: ['test-results/**'] }];
