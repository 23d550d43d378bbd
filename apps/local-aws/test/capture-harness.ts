import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPrivateMariadb, type PrivateMariadb } from '../src/mariadb/index.js';

/** One private mariadbd for a test file, in a temp dir removed afterwards. */
export async function startTestMariadb(): Promise<{ server: PrivateMariadb; root: string; dispose(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'das-capture-'));
  const server = await startPrivateMariadb({ dir: join(root, 'mariadb') });
  return {
    server,
    root,
    async dispose() {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
