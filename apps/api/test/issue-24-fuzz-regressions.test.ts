// Cases the fuzz tier found, kept as plain tests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiApp } from '../src/app.js';
import { AUTH, buildTestApp, stubAws } from './helpers.js';

let app: ApiApp;

beforeAll(async () => {
  const { aws } = stubAws({ rds: { DescribeDBClusters: () => ({ DBClusters: [] }) } });
  app = await buildTestApp(aws);
});

afterAll(async () => {
  await app?.close();
});

describe('fuzz regressions', () => {
  it('a duplicated query parameter whose name contains "timeout" is a 400, not "AWS unreachable" (seed 20261206)', async () => {
    const res = await app.inject({ method: 'GET', url: '/clusters/Infinity/status-events?timeoutSeconds=%F0%B6%AB%8C&timeoutSeconds=%F0%B6%AB%8C', headers: AUTH });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(res.json().awsCode).toBeUndefined();
  });
});
