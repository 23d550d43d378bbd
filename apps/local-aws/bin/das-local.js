#!/usr/bin/env node
// Committed launcher: npm links bins at install, before any build, and tsc drops the execute bit.
// This file keeps both; it runs the built program, or says how to build it.
const built = new URL('../dist/bin/das-local.js', import.meta.url);
try {
  await import(built.href);
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes(built.pathname)) throw error;
  console.error('das-local: not built yet (' + built.pathname + ' is missing): run `npm run build` in the DAS Toolkit repository');
  process.exit(1);
}
