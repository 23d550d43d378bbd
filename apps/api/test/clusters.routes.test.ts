import type { StatusEvent } from '@das/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiApp } from '../src/app.js';
import { AUTH, awsError, buildTestApp, sseFrames, stubAws } from './helpers.js';

const ARN = 'arn:aws:rds:eu-west-1:111122223333:cluster:auroralab-mysql-cluster';
const dbCluster = (extra: Record<string, unknown> = {}) => ({
  DBClusterIdentifier: 'auroralab-mysql-cluster',
  DBClusterArn: ARN,
  Engine: 'aurora-mysql',
  EngineVersion: '8.0.mysql_aurora.3.05.2',
  Status: 'available',
  DbClusterResourceId: 'cluster-4HNY5V4RRNPKKYB7ICFKE5JBQQ',
  Endpoint: 'auroralab-mysql-cluster.cluster-abc.eu-west-1.rds.amazonaws.com',
  Port: 3306,
  ...extra,
});

let app: ApiApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('GET /clusters', () => {
  it('lists clusters with resource id, endpoint and activity stream (a never-started one shows stopped)', async () => {
    const { aws } = stubAws({
      rds: {
        DescribeDBClusters: () => ({
          DBClusters: [
            dbCluster(),
            dbCluster({
              DBClusterIdentifier: 'pg',
              Engine: 'aurora-postgresql',
              ActivityStreamStatus: 'started',
              ActivityStreamMode: 'sync',
              ActivityStreamKmsKeyId: 'alias/das',
              ActivityStreamKinesisStreamName: 'aws-rds-das-cluster-X',
            }),
          ],
        }),
      },
    });
    app = await buildTestApp(aws);
    const res = await app.inject({ method: 'GET', url: '/clusters', headers: AUTH });
    expect(res.statusCode).toBe(200);
    const [mysql, pg] = res.json().clusters;
    expect(mysql).toEqual({
      id: 'auroralab-mysql-cluster',
      arn: ARN,
      engine: 'aurora-mysql',
      engineVersion: '8.0.mysql_aurora.3.05.2',
      status: 'available',
      resourceId: 'cluster-4HNY5V4RRNPKKYB7ICFKE5JBQQ',
      endpoint: 'auroralab-mysql-cluster.cluster-abc.eu-west-1.rds.amazonaws.com',
      port: 3306,
      activityStream: { status: 'stopped' },
    });
    expect(pg.activityStream).toEqual({ status: 'started', mode: 'sync', kmsKeyId: 'alias/das', kinesisStreamName: 'aws-rds-das-cluster-X' });
  });

  it('answers 404 for an unknown cluster', async () => {
    const { aws } = stubAws({
      rds: {
        DescribeDBClusters: () => {
          throw awsError('DBClusterNotFoundFault', 404, 'DBCluster nope not found.');
        },
      },
    });
    app = await buildTestApp(aws);
    const res = await app.inject({ method: 'GET', url: '/clusters/nope', headers: AUTH });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 'NOT_FOUND', message: 'DBCluster nope not found.', awsCode: 'DBClusterNotFoundFault', field: '/params/id' });
  });
});

describe('activity stream start/stop', () => {
  it('starts on the cluster ARN with the body options and answers 202 starting', async () => {
    const { aws, calls } = stubAws({
      rds: {
        DescribeDBClusters: () => ({ DBClusters: [dbCluster()] }),
        StartActivityStream: (input) => ({
          KmsKeyId: input.KmsKeyId,
          KinesisStreamName: 'aws-rds-das-cluster-4HNY5V4RRNPKKYB7ICFKE5JBQQ',
          Status: 'starting',
          Mode: input.Mode,
          ApplyImmediately: input.ApplyImmediately,
        }),
      },
    });
    app = await buildTestApp(aws);
    const res = await app.inject({
      method: 'POST',
      url: '/clusters/auroralab-mysql-cluster/activity-stream',
      headers: AUTH,
      payload: { kmsKeyId: 'alias/auroralab-mysql-das' },
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({
      clusterId: 'auroralab-mysql-cluster',
      status: 'starting',
      mode: 'async',
      kmsKeyId: 'alias/auroralab-mysql-das',
      kinesisStreamName: 'aws-rds-das-cluster-4HNY5V4RRNPKKYB7ICFKE5JBQQ',
      applyImmediately: true,
    });
    expect(calls[1]).toEqual({
      op: 'StartActivityStream',
      input: { ResourceArn: ARN, KmsKeyId: 'alias/auroralab-mysql-das', Mode: 'async', ApplyImmediately: true },
    });
  });

  it.each([
    ['KMSKeyNotAccessibleFault', 400, 422, 'KEY_NOT_USABLE'],
    ['InvalidDBClusterStateFault', 400, 409, 'WRONG_STATE'],
    ['ResourceNotFoundFault', 404, 404, 'NOT_FOUND'],
  ])('maps %s to %i', async (fault, awsStatus, status, code) => {
    const { aws } = stubAws({
      rds: {
        DescribeDBClusters: () => ({ DBClusters: [dbCluster()] }),
        StartActivityStream: () => {
          throw awsError(fault, awsStatus);
        },
      },
    });
    app = await buildTestApp(aws);
    const res = await app.inject({ method: 'POST', url: '/clusters/auroralab-mysql-cluster/activity-stream', headers: AUTH, payload: { kmsKeyId: 'k' } });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ code, awsCode: fault });
  });

  it('validates the start body', async () => {
    const { aws, calls } = stubAws();
    app = await buildTestApp(aws);
    for (const [payload, field] of [
      [{}, '/body/kmsKeyId'],
      [{ kmsKeyId: 'k', mode: 'fast' }, '/body/mode'],
      [{ kmsKeyId: 'k', applyImmediately: 'yes' }, '/body/applyImmediately'],
      [{ kmsKeyId: 'k', extra: 1 }, '/body/extra'],
    ] as const) {
      const res = await app.inject({ method: 'POST', url: '/clusters/c1/activity-stream', headers: AUTH, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().field).toBe(field);
    }
    expect(calls).toEqual([]);
  });

  it('stops with or without a body and answers 202 stopping', async () => {
    const { aws, calls } = stubAws({
      rds: {
        DescribeDBClusters: () => ({ DBClusters: [dbCluster({ ActivityStreamStatus: 'started' })] }),
        StopActivityStream: () => ({ Status: 'stopping', KinesisStreamName: 'aws-rds-das-x', KmsKeyId: 'k' }),
      },
    });
    app = await buildTestApp(aws);
    const bare = await app.inject({ method: 'DELETE', url: '/clusters/auroralab-mysql-cluster/activity-stream', headers: AUTH });
    expect(bare.statusCode).toBe(202);
    expect(bare.json()).toMatchObject({ status: 'stopping', applyImmediately: true });
    const later = await app.inject({
      method: 'DELETE',
      url: '/clusters/auroralab-mysql-cluster/activity-stream',
      headers: AUTH,
      payload: { applyImmediately: false },
    });
    expect(later.json().applyImmediately).toBe(false);
    expect(calls.filter((c) => c.op === 'StopActivityStream').map((c) => c.input)).toEqual([
      { ResourceArn: ARN, ApplyImmediately: true },
      { ResourceArn: ARN, ApplyImmediately: false },
    ]);
  });
});

describe('GET /clusters/:id/status-events', () => {
  it('sends the first state and each change, then ends on started', async () => {
    const sequence = ['starting', 'starting', 'starting', 'started'];
    const statuses = ['configuring-activity-stream', 'configuring-activity-stream', 'configuring-activity-stream', 'available'];
    let read = 0;
    const { aws } = stubAws({
      rds: {
        DescribeDBClusters: () => {
          const i = Math.min(read++, sequence.length - 1);
          return { DBClusters: [dbCluster({ ActivityStreamStatus: sequence[i], Status: statuses[i], ActivityStreamMode: 'async' })] };
        },
      },
    });
    app = await buildTestApp(aws, {}, { statusPollMs: 5 });
    const res = await app.inject({ method: 'GET', url: '/clusters/auroralab-mysql-cluster/status-events', headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const frames = sseFrames(res.body);
    expect(frames.map((f) => f.event)).toEqual(['status', 'status']);
    const events = frames.map((f) => f.data as StatusEvent);
    expect(events.map((e) => [e.activityStream.status, e.clusterStatus, e.final])).toEqual([
      ['starting', 'configuring-activity-stream', false],
      ['started', 'available', true],
    ]);
    expect(read).toBe(4);
  });

  it('keeps a quiet stream alive and ends with an error frame when the deadline passes', async () => {
    const { aws } = stubAws({ rds: { DescribeDBClusters: () => ({ DBClusters: [dbCluster({ ActivityStreamStatus: 'stopping' })] }) } });
    app = await buildTestApp(aws, {}, { statusPollMs: 200, statusHeartbeatMs: 300 });
    const res = await app.inject({ method: 'GET', url: '/clusters/auroralab-mysql-cluster/status-events?timeoutSeconds=1', headers: AUTH });
    expect(res.headers['x-request-id']).toBeDefined();
    expect(res.body).toContain(': keep-alive\n\n');
    const frames = sseFrames(res.body.replaceAll(': keep-alive\n\n', ''));
    expect(frames[0]?.event).toBe('status');
    expect(frames.at(-1)).toMatchObject({ event: 'error', data: { code: 'TIMEOUT' } });
  });

  it('answers 404 before streaming when the cluster does not exist', async () => {
    const { aws } = stubAws({
      rds: {
        DescribeDBClusters: () => {
          throw awsError('DBClusterNotFoundFault', 404);
        },
      },
    });
    app = await buildTestApp(aws);
    const res = await app.inject({ method: 'GET', url: '/clusters/nope/status-events', headers: AUTH });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOT_FOUND');
  });
});
