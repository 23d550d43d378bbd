import { access, constants, readdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export const POSTGRES_INSTALL_HINT =
  'The local emulator runs its own PostgreSQL server with pgaudit for Aurora PostgreSQL, but it was not found\n' +
  '(looked in DAS_POSTGRES_DIRS, /usr/lib/postgresql/*/bin, PATH). Install it:\n' +
  '  Debian/Ubuntu: sudo apt-get install postgresql-15 postgresql-15-pgaudit\n' +
  '  macOS:         brew install postgresql@15 pgaudit';

/** initdb/postgres, or the pgaudit library, is not installed. */
export class PostgresNotInstalledError extends Error {
  readonly code = 'POSTGRES_NOT_INSTALLED';
  constructor(readonly missing: string) {
    super(`${missing} is missing. ${POSTGRES_INSTALL_HINT}`);
    this.name = 'PostgresNotInstalledError';
  }
}

export interface PostgresBinaries {
  bindir: string;
  initdb: string;
  postgres: string;
  /** pgaudit's shared library, beside the server's own. */
  pgaudit: string;
}

async function exists(path: string, mode = constants.F_OK): Promise<boolean> {
  try {
    await access(path, mode);
    return true;
  } catch {
    return false;
  }
}

/** Debian's /usr/lib/postgresql/<major>/bin, newest first. */
async function debianBindirs(): Promise<string[]> {
  const root = '/usr/lib/postgresql';
  const majors = await readdir(root).catch(() => [] as string[]);
  return majors
    .filter((m) => /^\d+$/.test(m))
    .sort((a, b) => Number(b) - Number(a))
    .map((m) => join(root, m, 'bin'));
}

/** Finds a PostgreSQL server with pgaudit: `DAS_POSTGRES_DIRS`, Debian's layout, then PATH. */
export async function locatePostgres(env: NodeJS.ProcessEnv = process.env): Promise<PostgresBinaries> {
  const candidates = [
    ...(env.DAS_POSTGRES_DIRS ?? '').split(delimiter).filter((d) => d !== ''),
    ...(env.DAS_POSTGRES_DIRS === undefined ? [...(await debianBindirs()), ...(env.PATH ?? '').split(delimiter).filter((d) => d !== '')] : []),
  ];
  for (const bindir of candidates) {
    const initdb = join(bindir, 'initdb');
    const postgres = join(bindir, 'postgres');
    if (!(await exists(initdb, constants.X_OK)) || !(await exists(postgres, constants.X_OK))) continue;
    // Debian: <bindir>/../lib; Homebrew and source builds: <bindir>/../lib/postgresql.
    for (const lib of [join(bindir, '..', 'lib', 'pgaudit.so'), join(bindir, '..', 'lib', 'postgresql', 'pgaudit.so'), join(bindir, '..', 'lib', 'postgresql', 'pgaudit.dylib')]) {
      if (await exists(lib)) return { bindir, initdb, postgres, pgaudit: lib };
    }
    throw new PostgresNotInstalledError(`pgaudit (for the PostgreSQL in ${bindir})`);
  }
  throw new PostgresNotInstalledError('PostgreSQL (initdb, postgres)');
}
