import { afterEach, describe, expect, it } from 'vitest';
import type { ApiApp } from '../src/app.js';
import { AUTH, awsError, buildTestApp, stubAws, type Handler } from './helpers.js';

/** What das-tpcc --json prints mid-run (the load document runs it so). */
const PROGRESS_OUTPUT = `+ das-tpcc run\n${JSON.stringify({ type: 'progress', elapsedSec: 30, durationSec: 60, pct: 50, tpmC: 4200, tps: 150, errors: 0, retries: 0 })}\n`;

const COMMAND_ID = '0b5c3a2e-1d2f-4a3b-9c8d-7e6f5a4b3c2d';
const command = (extra: Record<string, unknown> = {}) => ({
  CommandId: COMMAND_ID,
  DocumentName: 'DAS-Lab-TpccLoad',
  InstanceIds: ['i-0123456789abcdef0'],
  RequestedDateTime: new Date('2026-01-01T10:00:00Z'),
  Status: 'Pending',
  Parameters: { clusterEndpoint: ['c.example.com'], dbUser: ['admin'], dbPassword: ['hunter2-secret'], threads: ['4'] },
  ...extra,
});

const ssmStub = (extra: Record<string, Handler> = {}) =>
  stubAws({
    ssm: {
      DescribeInstanceInformation: () => ({
        InstanceInformationList: [
          { InstanceId: 'i-0000000000000dead', PingStatus: 'ConnectionLost' },
          { InstanceId: 'i-0123456789abcdef0', PingStatus: 'Online' },
        ],
      }),
      SendCommand: (input) => ({ Command: command({ DocumentName: input.DocumentName, InstanceIds: input.InstanceIds, Parameters: input.Parameters }) }),
      ListCommands: (input) => ({ Commands: input.CommandId && input.CommandId !== COMMAND_ID ? [] : [command({ Status: 'InProgress' })] }),
      GetCommandInvocation: () => ({
        Status: 'InProgress',
        StatusDetails: 'InProgress',
        ResponseCode: -1,
        StandardOutputContent: PROGRESS_OUTPUT,
      }),
      CancelCommand: () => ({}),
      ...extra,
    },
  });

let app: ApiApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('POST /load-runs', () => {
  it('sends the configured document to the first Online instance with string-list parameters', async () => {
    const { aws, calls } = ssmStub();
    app = await buildTestApp(aws);
    const res = await app.inject({
      method: 'POST',
      url: '/load-runs',
      headers: AUTH,
      payload: { parameters: { clusterEndpoint: 'c.example.com', dbUser: 'admin', dbPassword: 'hunter2-secret', warehouses: 2, threads: 4, duration: 60 } },
    });
    expect(res.statusCode).toBe(201);
    const send = calls.find((c) => c.op === 'SendCommand');
    expect(send?.input).toMatchObject({
      DocumentName: 'DAS-Lab-TpccLoad',
      InstanceIds: ['i-0123456789abcdef0'],
      Parameters: { clusterEndpoint: ['c.example.com'], dbUser: ['admin'], dbPassword: ['hunter2-secret'], warehouses: ['2'], threads: ['4'], duration: ['60'] },
    });
    const run = res.json();
    expect(run).toMatchObject({ id: COMMAND_ID, status: 'Pending', instanceIds: ['i-0123456789abcdef0'] });
    expect(run.parameters).toEqual({ clusterEndpoint: 'c.example.com', dbUser: 'admin', warehouses: '2', threads: '4', duration: '60' });
    expect(res.body).not.toContain('hunter2-secret');
  });

  it('uses DAS_LOAD_INSTANCE_ID and the body overrides without asking SSM for instances', async () => {
    const { aws, calls } = ssmStub();
    app = await buildTestApp(aws, { loadInstanceId: 'i-00000000000000001' });
    await app.inject({ method: 'POST', url: '/load-runs', headers: AUTH, payload: {} });
    await app.inject({ method: 'POST', url: '/load-runs', headers: AUTH, payload: { documentName: 'Other-Doc', instanceIds: ['i-00000000000000002'] } });
    expect(calls.map((c) => c.op)).toEqual(['SendCommand', 'SendCommand']);
    expect(calls.map((c) => [c.input.DocumentName, c.input.InstanceIds])).toEqual([
      ['DAS-Lab-TpccLoad', ['i-00000000000000001']],
      ['Other-Doc', ['i-00000000000000002']],
    ]);
  });

  it('answers 409 when no instance is Online', async () => {
    const { aws } = ssmStub({ DescribeInstanceInformation: () => ({ InstanceInformationList: [] }) });
    app = await buildTestApp(aws);
    const res = await app.inject({ method: 'POST', url: '/load-runs', headers: AUTH, payload: {} });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'NO_ONLINE_INSTANCE', field: '/body/instanceIds' });
  });

  it.each([
    ['InvalidDocument', 400, '/body/documentName'],
    ['InvalidInstanceId', 400, '/body/instanceIds'],
    ['InvalidParameters', 400, '/body/parameters'],
  ])('maps %s to %i at %s', async (fault, status, field) => {
    const { aws } = ssmStub({
      SendCommand: () => {
        throw awsError(fault, 400);
      },
    });
    app = await buildTestApp(aws, { loadInstanceId: 'i-00000000000000001' });
    const res = await app.inject({ method: 'POST', url: '/load-runs', headers: AUTH, payload: {} });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ awsCode: fault, field });
  });

  it('rejects bad parameters before calling SSM', async () => {
    const { aws, calls } = ssmStub();
    app = await buildTestApp(aws);
    for (const payload of [
      { instanceIds: [] },
      { instanceIds: ['../../etc/passwd'] },
      { parameters: { threads: 0 } },
      { parameters: { warehouses: '2' } },
      { parameters: { clusterEndpoint: 'a\nb' } },
      { parameters: { unknown: 'x' } },
    ]) {
      const res = await app.inject({ method: 'POST', url: '/load-runs', headers: AUTH, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
    expect(calls).toEqual([]);
  });
});

describe('GET and DELETE /load-runs', () => {
  it('shows a run with progress parsed from the output and without the password', async () => {
    const { aws, calls } = ssmStub();
    app = await buildTestApp(aws);
    const res = await app.inject({ method: 'GET', url: `/load-runs/${COMMAND_ID}`, headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: COMMAND_ID, status: 'InProgress', progress: { phase: 'run', tpmC: 4200, elapsedSeconds: 30, percentage: 50 } });
    expect(res.json().responseCode).toBeUndefined();
    expect(res.json().output).toBe(PROGRESS_OUTPUT);
    expect(res.body).not.toContain('hunter2-secret');
    const list = await app.inject({ method: 'GET', url: '/load-runs', headers: AUTH });
    expect(list.json().loadRuns).toHaveLength(1);
    expect(calls.find((c) => c.op === 'ListCommands' && c.input.Filters)?.input).toEqual({
      MaxResults: 50,
      Filters: [{ key: 'DocumentName', value: 'DAS-Lab-TpccLoad' }],
    });
    expect(list.json().loadRuns[0].output).toBeUndefined();
    expect(list.body).not.toContain('hunter2-secret');
  });

  it('shows the end of stdout then stderr, so a failed run says why', async () => {
    const { aws } = ssmStub({
      GetCommandInvocation: () => ({
        Status: 'Failed',
        ResponseCode: 1,
        StandardOutputContent: `${'x'.repeat(5000)}\n+ das-tpcc run`,
        StandardErrorContent: 'das-tpcc: Access denied for user\n',
        ExecutionStartDateTime: '2026-01-01T10:00:02.000Z',
        ExecutionEndDateTime: '2026-01-01T10:00:09.500Z',
      }),
    });
    app = await buildTestApp(aws);
    const run = (await app.inject({ method: 'GET', url: `/load-runs/${COMMAND_ID}`, headers: AUTH })).json();
    expect(run).toMatchObject({ status: 'Failed', responseCode: 1 });
    // The list says when it ran and why it failed, without the whole output.
    const listed = (await app.inject({ method: 'GET', url: '/load-runs', headers: AUTH })).json().loadRuns[0];
    expect(listed).toMatchObject({
      startedAt: '2026-01-01T10:00:02.000Z',
      endedAt: '2026-01-01T10:00:09.500Z',
      failureReason: 'das-tpcc: Access denied for user',
    });
    expect(run.output).toHaveLength(4000);
    expect(run.output.endsWith('+ das-tpcc run\ndas-tpcc: Access denied for user\n')).toBe(true);
  });

  it('falls back to the command status while SSM has no invocation yet', async () => {
    const { aws } = ssmStub({
      GetCommandInvocation: () => {
        throw awsError('InvocationDoesNotExist', 400);
      },
    });
    app = await buildTestApp(aws);
    const res = await app.inject({ method: 'GET', url: `/load-runs/${COMMAND_ID}`, headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'InProgress' });
    expect(res.json().progress).toBeUndefined();
  });

  it('answers 404 for an unknown run, by empty list or by InvalidCommandId', async () => {
    const { aws } = ssmStub();
    app = await buildTestApp(aws);
    const empty = await app.inject({ method: 'GET', url: '/load-runs/11111111-1111-1111-1111-111111111111', headers: AUTH });
    expect(empty.statusCode).toBe(404);
    await app.close();
    app = await buildTestApp(
      ssmStub({
        ListCommands: () => {
          throw awsError('InvalidCommandId', 400);
        },
      }).aws,
    );
    const invalid = await app.inject({ method: 'DELETE', url: `/load-runs/${COMMAND_ID}`, headers: AUTH });
    expect(invalid.statusCode).toBe(404);
    expect(invalid.json()).toMatchObject({ code: 'NOT_FOUND', awsCode: 'InvalidCommandId' });
  });

  it('cancels a run', async () => {
    let cancelled = false;
    const { aws, calls } = ssmStub({
      CancelCommand: () => {
        cancelled = true;
        return {};
      },
      GetCommandInvocation: () => ({ Status: cancelled ? 'Cancelled' : 'InProgress', ResponseCode: cancelled ? 1 : -1 }),
    });
    app = await buildTestApp(aws);
    const res = await app.inject({ method: 'DELETE', url: `/load-runs/${COMMAND_ID}`, headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'Cancelled', responseCode: 1 });
    expect(calls.find((c) => c.op === 'CancelCommand')?.input).toEqual({ CommandId: COMMAND_ID });
  });
});
