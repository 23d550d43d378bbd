import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { ActivityStreamStartBodySchema, StatusEventSchema } from './clusters.js';
import { LAB_KEY_ALIAS, LAB_KEY_DESCRIPTION } from '../lab.js';
import { CreateKeyBodySchema, KeyIdParamsSchema } from './keys.js';
import { LoadRunCreateBodySchema } from './load-runs.js';
import type { KeyList } from './keys.js';
import { apiRoutes, type RouteBody, type RouteParams, type RouteResponse } from './routes.js';

describe('API contract', () => {
  it('has one route per method and path, each with a success schema', () => {
    const keys = Object.values(apiRoutes).map((route) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const route of Object.values(apiRoutes)) {
      expect(route.response).toBeDefined();
      expect(route.path.startsWith('/')).toBe(true);
      if ('optionalBody' in route) expect('body' in route).toBe(true);
    }
  });

  it("accepts the console's lab defaults and rejects reserved or hostile aliases", () => {
    expect(Value.Check(CreateKeyBodySchema, { alias: LAB_KEY_ALIAS, description: LAB_KEY_DESCRIPTION })).toBe(true);
    expect(Value.Check(CreateKeyBodySchema, { alias: `alias/${LAB_KEY_ALIAS}` })).toBe(true);
    for (const alias of ['alias/aws/rds', 'aws/rds', '../../etc/passwd', 'a b', '']) {
      expect(Value.Check(CreateKeyBodySchema, { alias }), alias).toBe(false);
    }
    expect(Value.Check(CreateKeyBodySchema, { alias: 'x', keyAdministrators: ['arn:aws:iam::111122223333:role/TeamRole'] })).toBe(true);
    expect(Value.Check(CreateKeyBodySchema, { alias: 'x', keyAdministrators: ['TeamRole'] })).toBe(false);
  });

  it('takes key ids in every KMS form but no traversal', () => {
    for (const keyId of ['1234abcd-12ab-34cd-56ef-1234567890ab', 'alias/x', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd']) {
      expect(Value.Check(KeyIdParamsSchema, { keyId }), keyId).toBe(true);
    }
    for (const keyId of ['../../etc/passwd', 'k\u0000', '%2e%2e']) expect(Value.Check(KeyIdParamsSchema, { keyId }), keyId).toBe(false);
  });

  it('validates activity-stream and load-run bodies', () => {
    expect(Value.Check(ActivityStreamStartBodySchema, { kmsKeyId: 'alias/x', mode: 'async', applyImmediately: true })).toBe(true);
    expect(Value.Check(ActivityStreamStartBodySchema, { kmsKeyId: 'alias/x', mode: 'fast' })).toBe(false);
    expect(Value.Check(LoadRunCreateBodySchema, { parameters: { dbUser: 'admin', dbPassword: 'p w', threads: 4, duration: 60 } })).toBe(true);
    expect(Value.Check(LoadRunCreateBodySchema, { parameters: { threads: '4' } })).toBe(false);
    expect(Value.Check(LoadRunCreateBodySchema, { parameters: { clusterEndpoint: 'a\nb' } })).toBe(false);
  });

  it('describes a status event frame', () => {
    const event = {
      clusterId: 'c',
      clusterStatus: 'available',
      activityStream: { status: 'started', mode: 'async' },
      at: '2026-01-01T00:00:00.000Z',
      final: true,
    };
    expect(Value.Check(StatusEventSchema, event)).toBe(true);
    expect(Value.Check(StatusEventSchema, { ...event, activityStream: { status: 'running' } })).toBe(false);
  });
});

describe('route types', () => {
  it('derive request and response types from the table', () => {
    const list: RouteResponse<'listKeys'> = { keys: [] } satisfies KeyList;
    const body: RouteBody<'startActivityStream'> = { kmsKeyId: 'alias/x' };
    const params: RouteParams<'getCluster'> = { id: 'c1' };
    const none: RouteBody<'listKeys'> = undefined;
    expect([list.keys.length, body.kmsKeyId, params.id, none]).toEqual([0, 'alias/x', 'c1', undefined]);
  });
});
