import { describe, expect, it } from 'vitest';
import { AUTH, TEST_TOKEN, buildTestApp, logCapture, stubAws } from './helpers.js';

const DB_PASSWORD = 'Pa55-hunter2-do-not-log';
const SQL = 'SELECT c_balance FROM customer WHERE c_last = "SECRETNAME"';
const COMMAND_ID = '0b5c3a2e-1d2f-4a3b-9c8d-7e6f5a4b3c2d';

describe('logs', () => {
  it('never contain the token, a dbPassword or SQL text, at trace level, on success and on failure', async () => {
    const capture = logCapture();
    const command = {
      CommandId: COMMAND_ID,
      DocumentName: 'DAS-Lab-TpccLoad',
      InstanceIds: ['i-0123456789abcdef0'],
      Status: 'InProgress',
      Parameters: { dbPassword: [DB_PASSWORD], dbUser: ['admin'] },
    };
    const { aws } = stubAws({
      ssm: {
        SendCommand: () => ({ Command: command }),
        ListCommands: () => ({ Commands: [command] }),
        GetCommandInvocation: () => ({ Status: 'InProgress', StandardOutputContent: `${SQL}\n${JSON.stringify({ type: 'progress', elapsedSec: 1, durationSec: 10, pct: 10, tpmC: 5 })}` }),
        CancelCommand: () => {
          // A bug whose message quotes the input must not carry it into the log.
          throw new TypeError(`cannot cancel ${SQL} with ${DB_PASSWORD}`);
        },
        DescribeInstanceInformation: () => {
          throw Object.assign(new Error(`InvalidParameters: ${SQL}`), { name: 'InvalidParameters', $metadata: { httpStatusCode: 400 } });
        },
      },
    });
    const app = await buildTestApp(aws, { logLevel: 'trace' }, { logStream: capture.stream });
    try {
      const created = await app.inject({
        method: 'POST',
        url: '/load-runs',
        headers: AUTH,
        payload: { instanceIds: ['i-0123456789abcdef0'], parameters: { dbUser: 'admin', dbPassword: DB_PASSWORD } },
      });
      expect(created.statusCode).toBe(201);
      expect(created.body).not.toContain(DB_PASSWORD);
      expect((await app.inject({ method: 'GET', url: `/load-runs/${COMMAND_ID}`, headers: AUTH })).statusCode).toBe(200);
      expect((await app.inject({ method: 'DELETE', url: `/load-runs/${COMMAND_ID}`, headers: AUTH })).statusCode).toBe(500);
      expect((await app.inject({ method: 'POST', url: '/load-runs', headers: AUTH, payload: {} })).statusCode).toBe(400);
      // Secrets in places they do not belong: the query string and a bad body.
      await app.inject({ method: 'GET', url: `/keys?token=${TEST_TOKEN}&dbPassword=${DB_PASSWORD}`, headers: AUTH });
      await app.inject({ method: 'POST', url: '/load-runs', headers: AUTH, payload: { parameters: { dbPassword: DB_PASSWORD, sql: SQL } } });
      await app.inject({ method: 'GET', url: '/keys', headers: { authorization: `Bearer ${TEST_TOKEN}x` } });
    } finally {
      await app.close();
    }
    const log = capture.text();
    expect(log).toContain('"reqId"');
    expect(log).toContain('unexpected error');
    expect(log).toContain('/load-runs');
    expect(log).not.toContain(TEST_TOKEN);
    expect(log).not.toContain(DB_PASSWORD);
    expect(log).not.toContain('SECRETNAME');
    expect(log).not.toContain('c_balance');
  });
});
