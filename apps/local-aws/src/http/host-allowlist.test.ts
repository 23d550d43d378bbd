import { describe, expect, it } from 'vitest';
import { assertHostName, createHostAllowlist } from './host-allowlist.js';

describe('createHostAllowlist', () => {
  const hosts = createHostAllowlist('0.0.0.0', ['my-box.lan', 'fd00::7']);

  it('answers loopback names, the listen host and allowed names, with or without port', () => {
    for (const host of ['127.0.0.1', '127.0.0.1:4566', 'localhost', 'LocalHost:80', 'localhost.', '[::1]', '[::1]:4566', '0.0.0.0:4566', 'my-box.lan:4566', '[fd00::7]:1']) {
      expect([host, hosts.refused({ host })]).toEqual([host, undefined]);
    }
  });

  it('refuses other names, malformed values and a missing Host', () => {
    for (const host of ['evil.example', 'evil.example:4566', 'localhost.evil.example', '127.0.0.1:x', '[::1', '[::1]x', 'a b', 'user@localhost', '::1:4566x', '127.0.0.1:4566:1']) {
      expect([host, hosts.refused({ host })]).toEqual([host, host]);
    }
    expect(hosts.refused({})).toBe('');
    // Under h2 both :authority and host, when present, must pass.
    expect(hosts.refused({ ':authority': 'localhost:1', host: 'evil.example' })).toBe('evil.example');
    expect(hosts.refused({ ':authority': 'evil.example' })).toBe('evil.example');
  });

  it('takes only bare names for --allow-host', () => {
    expect(() => assertHostName('my-box.lan')).not.toThrow();
    expect(() => assertHostName('::1')).not.toThrow();
    for (const bad of ['', 'a:80', 'http://x', 'a b', '[::1']) expect(() => assertHostName(bad)).toThrow(/allowed host/);
  });
});
