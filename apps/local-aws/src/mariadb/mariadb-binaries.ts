import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** Where MariaDB's server binaries are, besides PATH (Debian/Ubuntu, BSD-ish, Homebrew). */
export const EXTRA_SEARCH_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/opt/mariadb/bin', '/opt/homebrew/opt/mariadb/bin', '/usr/bin', '/usr/local/bin'];

export const MARIADB_INSTALL_HINT =
  'The local emulator runs its own MariaDB server, but mariadbd was not found (looked in PATH, /usr/sbin, /usr/local/sbin, /usr/local/opt/mariadb/bin).\n' +
  'Install it:\n' +
  '  Debian/Ubuntu: sudo apt-get install mariadb-server\n' +
  '  macOS:         brew install mariadb\n' +
  'or watch a MariaDB of your own that has the audit plugin on: --mysql-url mysql://user:pass@host:port --audit-log /path/to/server_audit.log';

/** mariadbd (or mariadb-install-db) is not installed. The CLI prints the message and exits 1. */
export class MariadbNotInstalledError extends Error {
  readonly code = 'MARIADB_NOT_INSTALLED';
  constructor(readonly missing: string) {
    super(MARIADB_INSTALL_HINT);
    this.name = 'MariadbNotInstalledError';
  }
}

export interface MariadbBinaries {
  mariadbd: string;
  installDb: string;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where to look: PATH's directories, then well-known ones. Tests narrow it. */
export interface BinarySearch {
  path?: string;
  extraDirs?: readonly string[];
}

/** The first executable among `names` in PATH, then the extra directories. */
export async function findExecutable(names: readonly string[], search: BinarySearch = {}): Promise<string | null> {
  const pathVariable = search.path ?? process.env.PATH ?? '';
  const dirs = [...pathVariable.split(delimiter).filter((dir) => dir !== ''), ...(search.extraDirs ?? EXTRA_SEARCH_DIRS)];
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

/** Finds mariadbd and mariadb-install-db, or throws {@link MariadbNotInstalledError}. */
export async function locateMariadb(search: BinarySearch = {}): Promise<MariadbBinaries> {
  const mariadbd = await findExecutable(['mariadbd', 'mysqld'], search);
  if (mariadbd === null) throw new MariadbNotInstalledError('mariadbd');
  const installDb = await findExecutable(['mariadb-install-db', 'mysql_install_db'], search);
  if (installDb === null) throw new MariadbNotInstalledError('mariadb-install-db');
  return { mariadbd, installDb };
}
