// @das/stack: the whole local DAS Toolkit as one unit, for `npm start`, the smoke test and the console's e2e tests.
export { startStack, type Stack, type StackOptions } from './stack.js';
export { runLab, type LabOptions } from './lab.js';
export { freePort } from './free-port.js';
