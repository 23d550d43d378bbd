import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CancelCommandCommand,
  DescribeDocumentCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  GetDocumentCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  ListDocumentsCommand,
  SendCommandCommand,
  SSMClient,
  type GetCommandInvocationCommandOutput,
} from '@aws-sdk/client-ssm';
import { check, prepare } from '@das/tpcc';
import { parseTpccJsonLine, type TpccJsonLine } from '@das/tpcc/json-lines';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSsmService, defaultTpccBin } from '../src/ssm/index.js';
import type { LocalAws } from '../src/index.js';
import { TEST_CREDENTIALS, makeDataDir, removeDir, sdkError, startTestEmulator, waitFor } from './helpers.js';

/** The das-tpcc --json lines of a load's output (the document runs it with --json). */
const tpccLines = (output: string | undefined): TpccJsonLine[] =>
  (output ?? '').split('\n').flatMap((line) => parseTpccJsonLine(line) ?? []);

const SERVER = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };
const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
const database = `ssm_tpcc_${suffix}`;
/** A user with a password of its own, to prove the password never shows. */
const dbUser = `das_ssm_${suffix}`.slice(0, 32);
const dbPassword = `Pw-${randomBytes(9).toString('hex')}`;

async function admin(statements: string[]): Promise<void> {
  const conn = await mysql.createConnection(SERVER);
  try {
    for (const s of statements) await conn.query(s);
  } finally {
    await conn.end();
  }
}

describe('SSM Run Command through @aws-sdk/client-ssm', () => {
  let dataDir: string;
  let aws: LocalAws;
  let logs: string[];
  let client: SSMClient;
  let instanceId: string;

  const invocation = (commandId: string) => client.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));
  const until = (commandId: string, accept: (i: GetCommandInvocationCommandOutput) => boolean, timeoutMs = 30_000) =>
    waitFor(() => invocation(commandId), accept, timeoutMs);
  const send = async (parameters: Record<string, string[]>, extra: { TimeoutSeconds?: number } = {}) => {
    const out = await client.send(
      new SendCommandCommand({
        DocumentName: 'DAS-Lab-TpccLoad',
        InstanceIds: [instanceId],
        Parameters: { database: [database], dbUser: [dbUser], dbPassword: [dbPassword], ...parameters },
        ...extra,
      }),
    );
    return out.Command!.CommandId!;
  };

  beforeAll(async () => {
    if (!existsSync(defaultTpccBin())) throw new Error(`build @das/tpcc first (missing ${defaultTpccBin()})`);
    await prepare({ ...SERVER, database }, { warehouses: 1 });
    await admin([
      `CREATE USER '${dbUser}'@'%' IDENTIFIED BY '${dbPassword}'`,
      `CREATE USER '${dbUser}'@'localhost' IDENTIFIED BY '${dbPassword}'`,
      `GRANT ALL ON \`${database}\`.* TO '${dbUser}'@'%'`,
      `GRANT ALL ON \`${database}\`.* TO '${dbUser}'@'localhost'`,
    ]);
    // The emulator composition as users start it: SSM bound to the cluster's database (127.0.0.1:3306, root).
    ({ aws, dataDir, logs } = await startTestEmulator({ clusterEndpoint: { host: SERVER.host, port: SERVER.port } }));
    client = new SSMClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    const { InstanceInformationList: list } = await client.send(new DescribeInstanceInformationCommand({}));
    instanceId = list![0]!.InstanceId!;
  }, 120_000);

  afterAll(async () => {
    client?.destroy();
    // Closing the emulator cancels whatever is still running and kills its children.
    await aws?.close();
    await admin([`DROP USER IF EXISTS '${dbUser}'@'%'`, `DROP USER IF EXISTS '${dbUser}'@'localhost'`, `DROP DATABASE IF EXISTS \`${database}\``]);
    if (dataDir) await removeDir(dataDir);
  });

  it('shows one online Linux workstation and the load document', async () => {
    const { InstanceInformationList: list } = await client.send(new DescribeInstanceInformationCommand({}));
    expect(list).toHaveLength(1);
    expect(list![0]).toMatchObject({ InstanceId: instanceId, PingStatus: 'Online', PlatformType: 'Linux', ResourceType: 'EC2Instance' });
    expect(instanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(logs.some((l) => l.includes('DAS-Lab-TpccLoad') && l.includes(instanceId))).toBe(true);

    const docs = await client.send(new ListDocumentsCommand({ Filters: [{ Key: 'DocumentType', Values: ['Command'] }] }));
    expect(docs.DocumentIdentifiers!.map((d) => d.Name)).toContain('DAS-Lab-TpccLoad');
    const { Document: doc } = await client.send(new DescribeDocumentCommand({ Name: 'DAS-Lab-TpccLoad' }));
    const defaults = Object.fromEntries(doc!.Parameters!.map((p) => [p.Name, p.DefaultValue]));
    expect(defaults).toMatchObject({ clusterEndpoint: '127.0.0.1', dbUser: 'root', warehouses: '1', threads: '4', duration: '60' });
    expect(Object.keys(defaults)).toContain('dbPassword');
    const content = await client.send(new GetDocumentCommand({ Name: 'DAS-Lab-TpccLoad' }));
    expect(JSON.parse(content.Content!).mainSteps[0].name).toBe('runTpccLoad');
  });

  it('SendCommand runs the load: InProgress with progress lines, then Success; the database stays consistent', async () => {
    const commandId = await send({ threads: ['2'], duration: ['4'] });
    const running = await until(commandId, (i) => i.Status === 'InProgress' && tpccLines(i.StandardOutputContent).some((l) => l.type === 'progress'));
    expect(running.ExecutionStartDateTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(running.ResponseCode).toBe(-1);

    const done = await until(commandId, (i) => i.Status !== 'InProgress' && i.Status !== 'Pending');
    expect(done.Status).toBe('Success');
    expect(done.ResponseCode).toBe(0);
    expect(done.StandardOutputContent).toMatch(/^\+ das-tpcc prepare /m);
    const lines = tpccLines(done.StandardOutputContent);
    expect(lines).toContainEqual(expect.objectContaining({ type: 'loaded', warehouses: 1, unitsSkipped: 41 }));
    expect(lines).toContainEqual(expect.objectContaining({ type: 'result', cancelled: false, tpmC: expect.any(Number) }));
    expect(done.ExecutionEndDateTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(done.ExecutionElapsedTime).toMatch(/^PT[\d.]+S$/);

    const listed = await client.send(new ListCommandsCommand({ CommandId: commandId }));
    expect(listed.Commands![0]).toMatchObject({ Status: 'Success', CompletedCount: 1, ErrorCount: 0, DocumentName: 'DAS-Lab-TpccLoad' });
    expect(listed.Commands![0]!.Parameters!.dbPassword).toEqual(['****']);
    const invocations = await client.send(new ListCommandInvocationsCommand({ CommandId: commandId, Details: true }));
    expect(invocations.CommandInvocations![0]!.CommandPlugins![0]).toMatchObject({ Name: 'runTpccLoad', Status: 'Success', ResponseCode: 0 });
    expect((await check({ ...SERVER, database })).ok).toBe(true);

    // The password reaches neither output, nor the log, nor the persisted history.
    const persisted = await Promise.all(
      (await readdir(join(dataDir, 'ssm', 'commands'))).map((f) => readFile(join(dataDir, 'ssm', 'commands', f), 'utf8')),
    );
    for (const text of [done.StandardOutputContent!, done.StandardErrorContent!, logs.join('\n'), ...persisted]) {
      expect(text).not.toContain(dbPassword);
    }
  }, 60_000);

  it('CancelCommand stops a running load gracefully: Cancelled, and check passes', async () => {
    const commandId = await send({ threads: ['4'], duration: ['120'] });
    await until(commandId, (i) => tpccLines(i.StandardOutputContent).some((l) => l.type === 'progress'));
    await client.send(new CancelCommandCommand({ CommandId: commandId, InstanceIds: [instanceId] }));
    const done = await until(commandId, (i) => i.Status === 'Cancelled');
    expect(done.StatusDetails).toBe('Cancelled');
    // The CLI got SIGTERM, let in-flight transactions finish and printed its final report.
    expect(tpccLines(done.StandardOutputContent)).toContainEqual(expect.objectContaining({ type: 'result', cancelled: true }));
    expect((await check({ ...SERVER, database })).ok).toBe(true);
  }, 60_000);

  it('TimeoutSeconds ends a command as TimedOut', async () => {
    const commandId = await send({ duration: ['120'] }, { TimeoutSeconds: 2 });
    const done = await until(commandId, (i) => i.Status === 'TimedOut');
    expect(done.StatusDetails).toBe('Execution Timed Out');
    const listed = await client.send(new ListCommandsCommand({ Filters: [{ key: 'Status', value: 'TimedOut' }] }));
    expect(listed.Commands!.map((c) => c.CommandId)).toContain(commandId);
    expect((await check({ ...SERVER, database })).ok).toBe(true);
  }, 60_000);

  it('answers the modelled error codes', async () => {
    const unknownDocument = await sdkError(client.send(new SendCommandCommand({ DocumentName: 'No-Such-Doc', InstanceIds: [instanceId] })));
    expect(unknownDocument.name).toBe('InvalidDocument');
    const unknownInstance = await sdkError(
      client.send(new SendCommandCommand({ DocumentName: 'DAS-Lab-TpccLoad', InstanceIds: ['i-0123456789abcdef0'] })),
    );
    expect(unknownInstance.name).toBe('InvalidInstanceId');
    expect(unknownInstance.message).toContain(instanceId);
    const badParameter = await sdkError(
      client.send(new SendCommandCommand({ DocumentName: 'DAS-Lab-TpccLoad', InstanceIds: [instanceId], Parameters: { threads: ['many'] } })),
    );
    expect(badParameter.name).toBe('InvalidParameters');
    expect((await sdkError(client.send(new GetCommandInvocationCommand({ CommandId: 'nope', InstanceId: instanceId })))).name).toBe(
      'InvalidCommandId',
    );
    expect((await sdkError(client.send(new GetCommandInvocationCommand({ CommandId: randomUUID(), InstanceId: instanceId })))).name).toBe(
      'InvocationDoesNotExist',
    );
    expect((await sdkError(client.send(new CancelCommandCommand({ CommandId: randomUUID() })))).name).toBe('InvalidCommandId');
    expect((await sdkError(client.send(new ListCommandsCommand({ CommandId: randomUUID() })))).name).toBe('InvalidCommandId');
    expect((await sdkError(client.send(new ListCommandsCommand({ Filters: [{ key: 'Colour' as never, value: 'x' }] })))).name).toBe(
      'InvalidFilterKey',
    );
  });

  it('keeps the history across a restart; a command that was running shows Failed / Terminated', async () => {
    const before = await client.send(new ListCommandsCommand({}));
    expect(before.Commands!.length).toBeGreaterThanOrEqual(3);
    // A command still running when the emulator dies (no close): simulated by a second service on
    // a copy of the history whose newest command is left InProgress.
    const commandId = await send({ duration: ['120'] });
    await until(commandId, (i) => i.Status === 'InProgress');
    const file = join(dataDir, 'ssm', 'commands', `${commandId}.json`);
    await waitFor(async () => JSON.parse(await readFile(file, 'utf8')) as { status: string }, (r) => r.status === 'InProgress');
    const crashDir = await makeDataDir();
    try {
      const { cp } = await import('node:fs/promises');
      await cp(join(dataDir, 'ssm'), join(crashDir, 'ssm'), { recursive: true });
      const restarted = createSsmService({ dataDir: crashDir, region: 'us-east-1', accountId: '000000000000', defaultTarget: () => SERVER });
      try {
        const out = (await restarted.service.handle('GetCommandInvocation', { CommandId: commandId, InstanceId: instanceId })) as Record<string, unknown>;
        expect(out).toMatchObject({ Status: 'Failed', StatusDetails: 'Terminated' });
        const all = (await restarted.service.handle('ListCommands', {})) as { Commands: { CommandId: string; Status: string }[] };
        expect(all.Commands.length).toBe(before.Commands!.length + 1);
        expect(all.Commands.filter((c) => c.Status === 'Success').length).toBeGreaterThanOrEqual(1);
        expect(restarted.instanceId).toBe(instanceId);
      } finally {
        await restarted.close();
      }
    } finally {
      await removeDir(crashDir);
    }
    await client.send(new CancelCommandCommand({ CommandId: commandId }));
    await until(commandId, (i) => i.Status === 'Cancelled');
  }, 60_000);

  it('closing the emulator cancels running commands and ends their children', async () => {
    const other = await startTestEmulator({ clusterEndpoint: { host: SERVER.host, port: SERVER.port } });
    const otherClient = new SSMClient({ endpoint: other.aws.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    try {
      const out = await otherClient.send(
        new SendCommandCommand({
          DocumentName: 'DAS-Lab-TpccLoad',
          InstanceIds: [instanceId],
          Parameters: { database: [database], duration: ['120'] },
        }),
      );
      const commandId = out.Command!.CommandId!;
      await waitFor(
        () => otherClient.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId })),
        (i) => tpccLines(i.StandardOutputContent).some((l) => l.type === 'progress'),
        30_000,
      );
      expect(await tpccChildren()).not.toHaveLength(0);
      otherClient.destroy();
      await other.aws.close();
      expect(await tpccChildren()).toHaveLength(0);
      const saved = JSON.parse(await readFile(join(other.dataDir, 'ssm', 'commands', `${commandId}.json`), 'utf8')) as { status: string };
      expect(saved.status).toBe('Cancelled');
      expect((await check({ ...SERVER, database })).ok).toBe(true);
    } finally {
      otherClient.destroy();
      await other.aws.close();
      await removeDir(other.dataDir);
    }
  }, 60_000);
});

/** Pids of live das-tpcc processes working on this suite's database (Linux /proc). */
async function tpccChildren(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('das-tpcc') && cmdline.includes(database)) pids.push(Number(entry));
  }
  return pids;
}
