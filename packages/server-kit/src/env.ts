/** A configuration value that failed validation; the message names the variable and the reason. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads environment variables, collecting every problem so that a user fixes them all in one go.
 * Call `done()` after the last read: it throws a {@link ConfigError} listing each bad value.
 */
export function createEnvReader(env: Record<string, string | undefined>) {
  const problems: string[] = [];
  const raw = (name: string) => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  return {
    string(name: string, fallback?: string): string | undefined {
      return raw(name) ?? fallback;
    },
    port(name: string, fallback: number): number {
      const value = raw(name);
      if (value === undefined) return fallback;
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        problems.push(`${name}=${JSON.stringify(value)} is not a port (an integer from 0 to 65535)`);
        return fallback;
      }
      return port;
    },
    int(name: string, fallback: number, range: { min: number; max: number }): number {
      const value = raw(name);
      if (value === undefined) return fallback;
      const n = Number(value);
      if (!Number.isInteger(n) || n < range.min || n > range.max) {
        problems.push(`${name}=${JSON.stringify(value)} must be an integer from ${range.min} to ${range.max}`);
        return fallback;
      }
      return n;
    },
    oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
      const value = raw(name);
      if (value === undefined) return fallback;
      if (!(allowed as readonly string[]).includes(value)) {
        problems.push(`${name}=${JSON.stringify(value)} must be one of ${allowed.join(', ')}`);
        return fallback;
      }
      return value as T;
    },
    url(name: string): string | undefined {
      const value = raw(name);
      if (value === undefined) return undefined;
      try {
        const url = new URL(value);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
        return value.replace(/\/+$/, '');
      } catch {
        problems.push(`${name}=${JSON.stringify(value)} is not an http(s) URL`);
        return undefined;
      }
    },
    /**
     * `DAS_TOKEN`: the bearer token every client sends, so at least 16 visible characters without
     * spaces (a header cannot carry them). Unset leaves it to the generated token file.
     */
    token(name: string): string | undefined {
      const value = raw(name);
      if (value === undefined) return undefined;
      if (value.length < 16 || !/^[\x21-\x7e]+$/.test(value)) {
        problems.push(
          `${name} must be at least 16 visible characters without spaces (it is ${value.length < 16 ? `${value.length} long` : 'not'}); ` +
            `set one such as the output of \`openssl rand -base64 24\`, or unset it to use the generated token file`,
        );
        return undefined;
      }
      return value;
    },
    /** Adds a problem found by the caller's own check. */
    problem(message: string): void {
      problems.push(message);
    },
    done(): void {
      if (problems.length > 0) throw new ConfigError(problems);
    },
  };
}
