import { locateMariadb, MariadbNotInstalledError, type BinarySearch } from './mariadb/index.js';
import type { SourceChoice, SourceKind } from './local-aws.js';

/** The one line `auto` says when it falls back; it names the fix on Debian/Ubuntu and macOS. */
export const SYNTHETIC_FALLBACK_NOTE =
  'mariadbd is not installed, so the activity stream carries synthetic events; for a real database: ' +
  'sudo apt-get install mariadb-server (Debian/Ubuntu) or brew install mariadb (macOS), or --mysql-url with --audit-log for your own';

/** Resolves `auto` to the private MariaDB when mariadbd is installed, else to the synthetic source. */
export async function chooseSource(choice: SourceChoice, search?: BinarySearch): Promise<{ kind: SourceKind; note?: string }> {
  if (choice !== 'auto') return { kind: choice };
  try {
    await locateMariadb(search);
    return { kind: 'mariadb' };
  } catch (error) {
    if (!(error instanceof MariadbNotInstalledError)) throw error;
    return { kind: 'synthetic', note: SYNTHETIC_FALLBACK_NOTE };
  }
}
