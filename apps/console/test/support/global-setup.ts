// Vitest global setup of the browser projects: a fresh production build of the console.
import { buildConsole } from './console-build.js';

export default async function setup(): Promise<void> {
  await buildConsole();
}
