export { default } from '@das/eslint-config';
