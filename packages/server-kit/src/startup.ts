import { access, constants, mkdir } from 'node:fs/promises';

/** A start that cannot go on for a reason the user can fix; the message is one line: cause, then fix. */
export class StartupError extends Error {
  constructor(
    readonly code: 'PORT_IN_USE' | 'DATA_DIR_NOT_WRITABLE' | 'CANNOT_LISTEN',
    message: string,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

/**
 * Creates the data directory (0700) if needed and checks that this process may write in it, before
 * anything is half-started there.
 */
export async function ensureWritableDataDir(dir: string, variable: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new StartupError(
      'DATA_DIR_NOT_WRITABLE',
      `the data directory ${dir} is not writable (${code}): make it writable for this user, or set ${variable} to a directory you own`,
    );
  }
}

/** Turns a failed `listen` into one line that names the port and what to do about it. */
export function listenFailure(error: unknown, where: { host: string; port: number; variable: string }): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new StartupError(
      'PORT_IN_USE',
      `port ${where.port} on ${where.host} is in use by another program (another \`npm start\`?): stop it, or set ${where.variable} to a free port`,
    );
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return new StartupError('CANNOT_LISTEN', `cannot listen on ${where.host}:${where.port} (${code}): choose another host or port with ${where.variable}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}
