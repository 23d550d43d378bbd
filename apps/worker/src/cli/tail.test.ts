import { describe, expect, it } from 'vitest';
import { parseTailArgs, UsageError } from './tail.js';

describe('das tail arguments', () => {
  it('reads the lab reader style and the cluster style, with filters hiding heartbeats and rdsadmin by default', () => {
    const lab = parseTailArgs(['-r', 'eu-west-1', '-i', 'cluster-ABC', '-s', 'aws-rds-das-cluster-ABC'], {});
    expect(lab).toMatchObject({ resourceId: 'cluster-ABC', streamName: 'aws-rds-das-cluster-ABC', aws: { region: 'eu-west-1' }, start: { type: 'LATEST' }, limit: null, ndjson: false });
    expect(lab.filter).toEqual({ rdsadmin: false });
    const cluster = parseTailArgs(
      ['--cluster', 'c1', '--endpoint', 'http://127.0.0.1:4566', '--from', 'trim-horizon', '--limit', '5', '--ndjson', '--user', 'a,b', '--user', 'c', '-q', 'select', '--exit-code', 'failed', '--heartbeats', '--rdsadmin'],
      { AWS_REGION: 'us-west-2' },
    );
    expect(cluster).toMatchObject({ clusterId: 'c1', aws: { region: 'us-west-2', endpoint: 'http://127.0.0.1:4566' }, start: { type: 'TRIM_HORIZON' }, limit: 5, ndjson: true });
    expect(cluster.filter).toEqual({ users: ['a', 'b', 'c'], text: 'select', exit: 'failed', heartbeats: true, rdsadmin: true });
    expect(parseTailArgs(['--cluster', 'c', '--from', '2026-01-02T03:04:05Z'], {}).start).toEqual({ type: 'AT_TIMESTAMP', timestampMs: Date.parse('2026-01-02T03:04:05Z') });
  });

  it('reads --alerts with a rules file and sensitive tables', () => {
    expect(parseTailArgs(['--cluster', 'c'], {}).alerts).toBeNull();
    expect(parseTailArgs(['--cluster', 'c', '--alerts', '--rules', 'r.yaml', '--sensitive-object', 'shop.cards,hr.pay', '--sensitive-object', 'x'], {}).alerts).toEqual({
      rulesFile: 'r.yaml',
      sensitiveObjects: ['shop.cards', 'hr.pay', 'x'],
    });
    expect(() => parseTailArgs(['--cluster', 'c', '--rules', 'r.yaml'], {})).toThrow(/--alerts/);
  });

  it('says what is wrong with a bad command line', () => {
    expect(() => parseTailArgs([], {})).toThrow(UsageError);
    expect(() => parseTailArgs(['-i', 'cluster-x'], {})).toThrow(/go together/);
    expect(() => parseTailArgs(['--cluster', 'c', '--from', 'yesterday'], {})).toThrow(/--from/);
    expect(() => parseTailArgs(['--cluster', 'c', '--limit', '0'], {})).toThrow(/--limit/);
    expect(() => parseTailArgs(['--cluster', 'c', '--exit-code', 'maybe'], {})).toThrow(/exitCode/);
    expect(() => parseTailArgs(['--cluster', 'c', '--nope'], {})).toThrow(UsageError);
  });
});
