import {
  CancelCommandCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type Command,
  type GetCommandInvocationCommandOutput,
} from '@aws-sdk/client-ssm';
import type { LoadRun, LoadRunCreateBody } from '@das/contracts';
import type { AwsClients } from '../aws-clients.js';
import { ApiError, aws } from '../errors.js';
import { parseLoadProgress } from './load-progress.js';

type Ssm = AwsClients['ssm'];

export interface LoadRunDefaults {
  loadDocument: string;
  loadInstanceId?: string;
}

/** Parameter names that are never echoed back (SSM stores and returns command parameters). */
const SECRET_PARAMETER = /password|secret|token/i;

/** SSM parameters: every value a string list; absent ones omitted. */
export function toSsmParameters(parameters: LoadRunCreateBody['parameters'] = {}): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined) out[name] = [String(value)];
  }
  return out;
}

/** Command parameters without secrets, lists joined. */
export function publicParameters(parameters: Record<string, string[]> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, values] of Object.entries(parameters ?? {})) {
    if (!SECRET_PARAMETER.test(name)) out[name] = values.join(',');
  }
  return out;
}

async function firstOnlineInstance(ssm: Ssm): Promise<string> {
  let token: string | undefined;
  for (let page = 0; page < 20; page++) {
    const out = await aws(ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 50, NextToken: token })));
    const online = out.InstanceInformationList?.find((info) => info.PingStatus === 'Online' && info.InstanceId);
    if (online?.InstanceId) return online.InstanceId;
    if (!out.NextToken) break;
    token = out.NextToken;
  }
  throw new ApiError(409, 'NO_ONLINE_INSTANCE', 'no managed instance is Online in SSM; pass instanceIds or set DAS_LOAD_INSTANCE_ID', {
    field: '/body/instanceIds',
  });
}

/** How much of the output a single run shows: enough for the last progress lines and an error. */
const OUTPUT_TAIL_CHARS = 4_000;

/** The end of stdout, then of stderr: where a failed run says why. */
function outputTail(invocation: GetCommandInvocationCommandOutput): string | undefined {
  const stdout = invocation.StandardOutputContent ?? '';
  const stderr = invocation.StandardErrorContent ?? '';
  const text = stderr ? `${stdout}${stdout && !stdout.endsWith('\n') ? '\n' : ''}${stderr}` : stdout;
  return text ? text.slice(-OUTPUT_TAIL_CHARS) : undefined;
}

/** SSM date-time strings (empty while unknown) as ISO 8601. */
function isoOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

const UNSUCCESSFUL = new Set(['Failed', 'TimedOut', 'Cancelled', 'DeliveryTimedOut', 'ExecutionTimedOut', 'Undeliverable', 'Terminated']);

/** Why a run did not succeed, in one line: stderr's last line says it best, SSM's details otherwise. */
function failureReason(status: string, details: string | undefined, invocation?: GetCommandInvocationCommandOutput): string | undefined {
  if (!UNSUCCESSFUL.has(status)) return undefined;
  const lastError = (invocation?.StandardErrorContent ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .at(-1);
  return (lastError ?? details ?? status).slice(0, 500);
}

function toLoadRun(command: Command, invocation?: GetCommandInvocationCommandOutput, withOutput = false): LoadRun {
  const output = withOutput && invocation ? outputTail(invocation) : undefined;
  const progress = parseLoadProgress(invocation?.StandardOutputContent);
  const status = invocation?.Status ?? command.Status ?? 'Pending';
  const details = invocation?.StatusDetails ?? command.StatusDetails;
  const startedAt = isoOf(invocation?.ExecutionStartDateTime);
  const endedAt = isoOf(invocation?.ExecutionEndDateTime);
  const reason = failureReason(status, details, invocation);
  return {
    id: command.CommandId ?? '',
    documentName: command.DocumentName ?? '',
    instanceIds: command.InstanceIds ?? [],
    status,
    ...(details ? { statusDetails: details } : {}),
    ...(command.RequestedDateTime ? { requestedAt: command.RequestedDateTime.toISOString() } : {}),
    ...(startedAt ? { startedAt } : {}),
    ...(endedAt ? { endedAt } : {}),
    ...(reason ? { failureReason: reason } : {}),
    parameters: publicParameters(command.Parameters),
    ...(progress ? { progress } : {}),
    ...(invocation?.ResponseCode !== undefined && invocation.ResponseCode !== -1 ? { responseCode: invocation.ResponseCode } : {}),
    ...(output ? { output } : {}),
  };
}

/** The invocation on the command's first instance; undefined while SSM has none yet. */
async function invocationOf(ssm: Ssm, command: Command): Promise<GetCommandInvocationCommandOutput | undefined> {
  const instanceId = command.InstanceIds?.[0];
  if (!command.CommandId || !instanceId) return undefined;
  try {
    return await ssm.send(new GetCommandInvocationCommand({ CommandId: command.CommandId, InstanceId: instanceId }));
  } catch (error) {
    // Right after SendCommand SSM may not have the invocation yet; the command status stands.
    if ((error as { name?: string }).name === 'InvocationDoesNotExist') return undefined;
    throw error;
  }
}

/** Sends the load document with SSM Run Command; the run's id is the CommandId. */
export async function createLoadRun(ssm: Ssm, defaults: LoadRunDefaults, body: LoadRunCreateBody): Promise<LoadRun> {
  const instanceIds = body.instanceIds ?? [defaults.loadInstanceId ?? (await firstOnlineInstance(ssm))];
  const out = await aws(
    ssm.send(
      new SendCommandCommand({
        DocumentName: body.documentName ?? defaults.loadDocument,
        InstanceIds: [...new Set(instanceIds)],
        Parameters: toSsmParameters(body.parameters),
        Comment: 'DAS Toolkit load run',
      }),
    ),
  );
  if (!out.Command?.CommandId) throw new ApiError(502, 'AWS_ERROR', 'SendCommand answered without a command id');
  return toLoadRun(out.Command);
}

async function findCommand(ssm: Ssm, id: string): Promise<Command> {
  const out = await aws(ssm.send(new ListCommandsCommand({ CommandId: id })));
  const command = out.Commands?.[0];
  if (!command) throw new ApiError(404, 'NOT_FOUND', `load run ${id} not found`, { field: '/params/id' });
  return command;
}

/** One run with its status, the progress parsed from its output and the output's end. */
export async function getLoadRun(ssm: Ssm, id: string): Promise<LoadRun> {
  const command = await findCommand(ssm, id);
  return toLoadRun(command, await aws(invocationOf(ssm, command)), true);
}

/**
 * The most recent runs of the load document (SSM keeps 30 days of commands), newest first;
 * other Run Command traffic of the account is left out.
 */
export async function listLoadRuns(ssm: Ssm, documentName: string, limit = 50): Promise<LoadRun[]> {
  const out = await aws(ssm.send(new ListCommandsCommand({ MaxResults: limit, Filters: [{ key: 'DocumentName', value: documentName }] })));
  const commands = out.Commands ?? [];
  const runs = await Promise.all(commands.map(async (command) => toLoadRun(command, await aws(invocationOf(ssm, command)))));
  return runs.sort((a, b) => (b.requestedAt ?? '').localeCompare(a.requestedAt ?? ''));
}

/** Cancels a run (SSM CancelCommand) and answers its state after the request. */
export async function cancelLoadRun(ssm: Ssm, id: string): Promise<LoadRun> {
  await findCommand(ssm, id);
  await aws(ssm.send(new CancelCommandCommand({ CommandId: id })));
  return getLoadRun(ssm, id);
}
