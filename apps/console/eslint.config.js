import { dasConfig } from '@das/eslint-config';

export default [...dasConfig({ browser: true }), { ignores: ['test-results/**'] }];
