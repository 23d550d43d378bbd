import { describe, expect, it } from 'vitest';
import { appendCapped, STDOUT_LIMIT } from './command-record.js';
import { loadDocumentContent, planLoad } from './load-document.js';
import { matchesInstanceFilters, workstationInformation, workstationInstanceId } from './workstation.js';

const local = { host: '127.0.0.1', port: 3306, user: 'root', password: 'local-pw' };

describe('load document parameters', () => {
  it('fills defaults from the local cluster and keeps the password out of argv', () => {
    const plan = planLoad({}, local);
    expect(plan.steps.map((s) => s.label)).toEqual(['prepare', 'run']);
    expect(plan.steps[0]!.args).toEqual(['prepare', '--engine', 'mysql', '--host', '127.0.0.1', '--port', '3306', '--user', 'root', '--database', 'tpcc', '--warehouses', '1', '--json']);
    expect(plan.steps[1]!.args.at(-1)).toBe('--json');
    expect(plan.steps[1]!.args).toContain('60');
    expect(plan.password).toBe('local-pw');
    expect(plan.steps.flatMap((s) => s.args)).not.toContain('local-pw');
  });

  it('masks a given password in the recorded parameters', () => {
    const plan = planLoad({ dbUser: ['lab'], dbPassword: ['secret-1'], threads: ['8'] }, local);
    expect(plan.password).toBe('secret-1');
    expect(plan.shownParameters).toEqual({ dbUser: ['lab'], dbPassword: ['****'], threads: ['8'] });
  });

  it('maps an RDS endpoint name to the local cluster, and never sends the local password elsewhere', () => {
    const rds = planLoad({ clusterEndpoint: ['auroralab-mysql-cluster.cluster-abc.us-east-1.rds.amazonaws.com'] }, local);
    expect(rds.steps[0]!.args.slice(3, 7)).toEqual(['--host', '127.0.0.1', '--port', '3306']);
    expect(rds.password).toBe('local-pw');
    const other = planLoad({ clusterEndpoint: ['db.example.net:3307'] }, local);
    expect(other.steps[0]!.args.slice(3, 7)).toEqual(['--host', 'db.example.net', '--port', '3307']);
    expect(other.password).toBe('');
  });

  it('runs on the local PostgreSQL cluster for engine=postgres or its port, with the password in PGPASSWORD only', () => {
    const postgres = { host: '127.0.0.1', port: 5499, user: 'postgres', password: 'pg-pw', engine: 'postgres' as const };
    const byEngine = planLoad({ engine: ['postgres'] }, local, undefined, postgres);
    expect(byEngine.engine).toBe('postgres');
    expect(byEngine.steps[0]!.args.slice(1, 9)).toEqual(['--engine', 'postgres', '--host', '127.0.0.1', '--port', '5499', '--user', 'postgres']);
    expect(byEngine.password).toBe('pg-pw');
    const byPort = planLoad({ clusterEndpoint: ['127.0.0.1'], port: ['5499'] }, local, undefined, postgres);
    expect(byPort.engine).toBe('postgres');
    expect(byPort.password).toBe('pg-pw');
    expect(planLoad({}, local, undefined, postgres).engine).toBe('mysql');
    expect(() => planLoad({ engine: ['postgres'] }, local)).toThrow(expect.objectContaining({ code: 'InvalidParameters', message: expect.stringMatching(/--postgres/) }));
    expect(() => planLoad({ engine: ['oracle'] }, local)).toThrow(expect.objectContaining({ code: 'InvalidParameters' }));
  });

  it('rejects unknown parameters, lists of two and bad numbers as InvalidParameters', () => {
    expect(() => planLoad({ colour: ['red'] }, local)).toThrow(expect.objectContaining({ code: 'InvalidParameters' }));
    expect(() => planLoad({ threads: ['1', '2'] }, local)).toThrow(expect.objectContaining({ code: 'InvalidParameters' }));
    expect(() => planLoad({ duration: ['0'] }, local)).toThrow(expect.objectContaining({ code: 'InvalidParameters' }));
    expect(() => planLoad({ database: ['x; DROP'] }, local)).toThrow(expect.objectContaining({ code: 'InvalidParameters' }));
  });

  it('never shows the local password in the document', () => {
    expect(loadDocumentContent(local)).not.toContain('local-pw');
  });
});

describe('output capping and the workstation', () => {
  it('keeps the first characters and marks the cut', () => {
    const full = appendCapped('', 'x'.repeat(STDOUT_LIMIT + 10), STDOUT_LIMIT);
    expect(full).toHaveLength(STDOUT_LIMIT);
    expect(full.endsWith('---Output truncated---')).toBe(true);
    expect(appendCapped(full, 'more', STDOUT_LIMIT)).toBe(full);
  });

  it('has a stable instance id and filters like DescribeInstanceInformation', () => {
    const id = workstationInstanceId('000000000000', 'us-east-1');
    expect(id).toMatch(/^i-[0-9a-f]{17}$/);
    expect(workstationInstanceId('000000000000', 'us-east-1')).toBe(id);
    expect(workstationInstanceId('000000000000', 'eu-west-1')).not.toBe(id);
    const info = workstationInformation(id, Date.now());
    expect(matchesInstanceFilters(info, [{ key: 'PingStatus', values: ['Online'] }])).toBe(true);
    expect(matchesInstanceFilters(info, [{ key: 'PlatformTypes', values: ['Windows'] }])).toBe(false);
    expect(() => matchesInstanceFilters(info, [{ key: 'Colour', values: ['x'] }])).toThrow(expect.objectContaining({ code: 'InvalidFilterKey' }));
  });
});
