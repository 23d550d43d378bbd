import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface TokenSource {
  token: string;
  /** True when this call generated the token (print it once, then never again). */
  created: boolean;
  /** Where the token is kept; undefined when it came from the environment. */
  path?: string;
}

export const TOKEN_FILE = 'token';

/**
 * The one secret a user holds for the API, the worker and the console: `DAS_TOKEN` when set,
 * otherwise `<dataDir>/token`, generated on first start with mode 0600. Safe when the API and
 * the worker start at the same moment: the file is created exclusively and the loser reads it.
 */
export async function loadOrCreateToken(options: { token?: string; dataDir: string }): Promise<TokenSource> {
  if (options.token) return { token: options.token, created: false };
  const path = join(options.dataDir, TOKEN_FILE);
  const existing = await readToken(path);
  if (existing) return { token: existing, created: false, path };
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(24).toString('base64url');
  try {
    const file = await open(path, 'wx', 0o600);
    try {
      await file.writeFile(`${token}\n`);
    } finally {
      await file.close();
    }
    return { token, created: true, path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const raced = await waitForToken(path);
    return { token: raced, created: false, path };
  }
}

async function readToken(path: string): Promise<string | undefined> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    return text || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The other process created the file a moment ago and may not have written it yet. */
async function waitForToken(path: string): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const token = await readToken(path);
    if (token) return token;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`token file ${path} exists but stays empty`);
}

/** Constant-time comparison that does not leak the token's length either. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
