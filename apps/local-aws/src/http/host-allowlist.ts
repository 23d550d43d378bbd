import type { IncomingHttpHeaders } from 'node:http';

/**
 * The Host names the emulator answers to: loopback names, the listen host and any the user
 * allows. A page that rebinds its own DNS name to 127.0.0.1 still sends its own name as Host,
 * so checking the name (not the port) is what stops DNS rebinding.
 */
export interface HostAllowlist {
  /** undefined when allowed, else the offending Host value (or '' when none was sent). */
  refused(headers: IncomingHttpHeaders): string | undefined;
  /** The names accepted, for error messages and logs. */
  readonly names: readonly string[];
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '::1'];

export function createHostAllowlist(listenHost: string, allowedHosts: readonly string[] = []): HostAllowlist {
  const names = [...new Set([...LOOPBACK_NAMES, listenHost, ...allowedHosts].map(normaliseName))];
  const allowed = new Set(names);
  return {
    names,
    refused(headers) {
      // h2 carries the host in :authority; HTTP/1.1 in Host. Both, when present, must pass.
      const values = [headers[':authority'], headers['host']].filter((value): value is string => typeof value === 'string');
      if (values.length === 0) return '';
      for (const value of values) {
        const name = hostName(value);
        if (name === undefined || !allowed.has(name)) return value;
      }
      return undefined;
    },
  };
}

/** Checks a name given to `--allow-host` / `allowedHosts`; throws on anything that is not a host name or IP. */
export function assertHostName(name: string): void {
  if (hostName(name) !== normaliseName(name) || name.length === 0) {
    throw new Error(`allowed host '${name}' must be a host name or IP address without port (e.g. my-box.lan, 192.168.1.20, ::1)`);
  }
}

/** The lower-case name of a Host value, without port or brackets; undefined if malformed. */
function hostName(value: string): string | undefined {
  let name: string;
  let port: string | undefined;
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close < 0) return undefined;
    name = value.slice(1, close);
    const rest = value.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return undefined;
    port = rest === '' ? undefined : rest.slice(1);
    if (!/^[0-9a-fA-F:.]+$/.test(name)) return undefined;
  } else {
    const colons = value.split(':').length - 1;
    if (colons > 1) {
      // A bare IPv6 literal is only valid as a configured name, not with a port.
      name = value;
      if (!/^[0-9a-fA-F:.]+$/.test(name)) return undefined;
    } else {
      [name, port] = value.split(':') as [string, string | undefined];
      if (!/^[A-Za-z0-9_.-]+$/.test(name)) return undefined;
    }
  }
  if (port !== undefined && !/^\d{1,5}$/.test(port)) return undefined;
  return normaliseName(name);
}

function normaliseName(name: string): string {
  const bare = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  return bare.toLowerCase().replace(/\.$/, '');
}
