import { randomUUID } from 'node:crypto';
import { AwsServiceError } from '../protocol/aws-error.js';
import { optionalBoolean, optionalInteger, optionalList, optionalString, optionalStructure, requiredString, validation } from '../protocol/json-input.js';
import { unknownOperation, type JsonService } from '../protocol/json-service.js';
import { isTerminal, type CommandRecord, type InvocationStatus } from './command-record.js';
import type { CommandExecution } from './command-runner.js';
import type { CommandStore } from './command-store.js';
import {
  LOAD_DOCUMENT_NAME,
  LOAD_STEP_NAME,
  loadDocumentContent,
  loadDocumentHash,
  loadDocumentParameters,
  planLoad,
  type DatabaseTarget,
  type LoadPlan,
} from './load-document.js';
import { matchesInstanceFilters, workstationInformation } from './workstation.js';

type Input = Record<string, unknown>;

export interface SsmServiceDeps {
  region: string;
  accountId: string;
  instanceId: string;
  startedAt: number;
  store: CommandStore;
  defaultTarget: () => DatabaseTarget;
  /** The local Aurora PostgreSQL cluster's database, when the emulator serves one. */
  postgresTarget?: () => DatabaseTarget;
  resolveEndpoint?: (endpoint: string) => { host: string; port: number } | undefined;
  /** Starts executing a recorded command. */
  execute: (record: CommandRecord, plan: LoadPlan) => CommandExecution;
  /** The running execution of a command, if any. */
  running: (commandId: string) => CommandExecution | undefined;
  /** Resolves once the stored history is loaded. */
  ready: Promise<unknown>;
  log: (line: string) => void;
}

const COMMAND_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DEFAULT_TIMEOUT_SECONDS = 3600;
const PLUGIN_OUTPUT_LIMIT = 2500;
const COMMAND_FILTER_KEYS = new Set(['InvokedAfter', 'InvokedBefore', 'Status', 'ExecutionStage', 'DocumentName']);

const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);
const isoOrEmpty = (ms: number | undefined): string => (ms === undefined ? '' : new Date(ms).toISOString());

/** SSM Run Command (AmazonSSM, JSON 1.1) for one local instance and the lab's load document. */
export function createSsmJsonService(deps: SsmServiceDeps): JsonService {
  const { instanceId, store } = deps;
  const notificationConfig = { NotificationArn: '', NotificationEvents: [], NotificationType: '' };
  const cloudWatchOutputConfig = { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false };

  const documentName = (raw: string): string => {
    const name = raw.includes(':document/') ? raw.slice(raw.indexOf(':document/') + ':document/'.length) : raw;
    if (name !== LOAD_DOCUMENT_NAME) throw new AwsServiceError('InvalidDocument', `Document ${raw} does not exist in your account.`);
    return name;
  };

  const documentVersion = (input: Input): void => {
    const version = optionalString(input, 'DocumentVersion', 128);
    if (version !== undefined && !['1', '$LATEST', '$DEFAULT'].includes(version)) {
      throw new AwsServiceError('InvalidDocumentVersion', `Document ${LOAD_DOCUMENT_NAME} has no version ${version}.`);
    }
  };

  const checkInstance = (id: string): void => {
    if (id !== instanceId) throw new AwsServiceError('InvalidInstanceId', `Instance ${id} is not a managed instance here (the local workstation is ${instanceId}).`);
  };

  const stringList = (value: unknown, member: string): string[] => {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      throw new AwsServiceError('SerializationException', `Member ${member} must be a list of strings.`);
    }
    return value as string[];
  };

  const instanceIdList = (input: Input, member: string): string[] | undefined => {
    const list = optionalList(input, member);
    if (list === undefined) return undefined;
    const ids = stringList(list, member);
    if (new Set(ids).size !== ids.length) throw new AwsServiceError('DuplicateInstanceId', `${member} lists an instance more than once.`);
    for (const id of ids) checkInstance(id);
    return ids;
  };

  const findCommand = (input: Input, required: boolean): CommandRecord | undefined => {
    const id = required ? requiredString(input, 'CommandId', 36) : optionalString(input, 'CommandId', 36);
    if (id === undefined) return undefined;
    const record = COMMAND_ID.test(id) ? store.get(id) : undefined;
    if (!record) throw new AwsServiceError('InvalidCommandId', `Command ${id} does not exist.`);
    return record;
  };

  const commandView = (r: CommandRecord): Input => {
    const failed = r.status === 'Failed' || r.status === 'TimedOut';
    return {
      CommandId: r.commandId,
      DocumentName: r.documentName,
      DocumentVersion: r.documentVersion,
      Comment: r.comment,
      ExpiresAfter: seconds(r.requestedAt + r.timeoutSeconds * 1000),
      Parameters: r.parameters,
      InstanceIds: [r.instanceId],
      Targets: [],
      RequestedDateTime: seconds(r.requestedAt),
      Status: r.status,
      StatusDetails: r.statusDetails,
      OutputS3Region: deps.region,
      OutputS3BucketName: '',
      OutputS3KeyPrefix: '',
      MaxConcurrency: '50',
      MaxErrors: '0',
      TargetCount: 1,
      CompletedCount: isTerminal(r) ? 1 : 0,
      ErrorCount: failed ? 1 : 0,
      DeliveryTimedOutCount: 0,
      ServiceRole: '',
      NotificationConfig: notificationConfig,
      CloudWatchOutputConfig: cloudWatchOutputConfig,
      TimeoutSeconds: r.timeoutSeconds,
    };
  };

  const pluginStatus = (s: InvocationStatus): InvocationStatus => (s === 'Cancelling' ? 'InProgress' : s);

  const invocationView = (r: CommandRecord, details: boolean): Input => ({
    CommandId: r.commandId,
    InstanceId: r.instanceId,
    InstanceName: 'das-lab-workstation',
    Comment: r.comment,
    DocumentName: r.documentName,
    DocumentVersion: r.documentVersion,
    RequestedDateTime: seconds(r.requestedAt),
    Status: r.status,
    StatusDetails: r.statusDetails,
    TraceOutput: '',
    StandardOutputUrl: '',
    StandardErrorUrl: '',
    CommandPlugins: details
      ? [
          {
            Name: LOAD_STEP_NAME,
            Status: pluginStatus(r.status),
            StatusDetails: r.statusDetails,
            ResponseCode: r.responseCode,
            ResponseStartDateTime: seconds(r.startedAt),
            ResponseFinishDateTime: seconds(r.endedAt),
            Output: (r.stdout + (r.stderr ? `\n----------ERROR-------\n${r.stderr}` : '')).slice(0, PLUGIN_OUTPUT_LIMIT),
            StandardOutputUrl: '',
            StandardErrorUrl: '',
            OutputS3Region: deps.region,
            OutputS3BucketName: '',
            OutputS3KeyPrefix: '',
          },
        ]
      : [],
    ServiceRole: '',
    NotificationConfig: notificationConfig,
    CloudWatchOutputConfig: cloudWatchOutputConfig,
  });

  /** ListCommands / ListCommandInvocations selection: CommandId, InstanceId, Filters, paging. */
  const selectCommands = (input: Input): { page: CommandRecord[]; nextToken?: string } => {
    const one = findCommand(input, false);
    const instance = optionalString(input, 'InstanceId', 124);
    if (instance !== undefined) checkInstance(instance);
    const maxResults = optionalInteger(input, 'MaxResults', 1, 50) ?? 50;
    const filters = (optionalList(input, 'Filters') ?? []).map((f) => {
      const filter = (f ?? {}) as Input;
      const key = requiredString(filter, 'key', 64);
      const value = requiredString(filter, 'value', 256);
      if (!COMMAND_FILTER_KEYS.has(key)) throw new AwsServiceError('InvalidFilterKey', `The filter key ${key} is not valid.`);
      return { key, value };
    });
    let selected = one ? [one] : store.list();
    for (const { key, value } of filters) {
      selected = selected.filter((r) => {
        switch (key) {
          case 'Status':
            return r.status === value;
          case 'ExecutionStage':
            return value === 'Complete' ? isTerminal(r) : value === 'Executing' ? !isTerminal(r) : false;
          case 'DocumentName':
            return r.documentName === value;
          case 'InvokedAfter':
          case 'InvokedBefore': {
            const at = Date.parse(value);
            if (Number.isNaN(at)) throw validation(`Filter ${key} needs an ISO 8601 date, got '${value}'.`);
            return key === 'InvokedAfter' ? r.requestedAt >= at : r.requestedAt <= at;
          }
          default:
            return true;
        }
      });
    }
    const token = optionalString(input, 'NextToken', 1024);
    let offset = 0;
    if (token !== undefined) {
      offset = Number(Buffer.from(token, 'base64').toString('utf8').replace(/^offset:/, ''));
      if (!Number.isInteger(offset) || offset < 0 || offset > selected.length) throw new AwsServiceError('InvalidNextToken', 'The NextToken is not valid.');
    }
    const page = selected.slice(offset, offset + maxResults);
    const next = offset + maxResults;
    return { page, nextToken: next < selected.length ? Buffer.from(`offset:${next}`).toString('base64') : undefined };
  };

  const documentDescription = (): Input => {
    const target = deps.defaultTarget();
    return {
      Name: LOAD_DOCUMENT_NAME,
      Description: 'DAS lab: prepare a TPC-C data set (if needed) and run a TPC-C-like load against the cluster.',
      DocumentVersion: '1',
      LatestVersion: '1',
      DefaultVersion: '1',
      Status: 'Active',
      Owner: deps.accountId,
      CreatedDate: seconds(deps.startedAt),
      Hash: loadDocumentHash(target),
      HashType: 'Sha256',
      Parameters: loadDocumentParameters(target),
      PlatformTypes: ['Linux'],
      DocumentType: 'Command',
      SchemaVersion: '2.2',
      DocumentFormat: 'JSON',
      TargetType: '/AWS::EC2::Instance',
      Tags: [],
    };
  };

  const operations: Record<string, (input: Input) => Promise<Input> | Input> = {
    DescribeInstanceInformation: (input) => {
      const filters: { key: string; values: string[] }[] = [];
      for (const f of optionalList(input, 'Filters') ?? []) {
        const filter = (f ?? {}) as Input;
        filters.push({ key: requiredString(filter, 'Key', 128), values: stringList(filter.Values ?? [], 'Filters.Values') });
      }
      for (const f of optionalList(input, 'InstanceInformationFilterList') ?? []) {
        const filter = (f ?? {}) as Input;
        const key = requiredString(filter, 'key', 128);
        const values = stringList(filter.valueSet ?? [], 'InstanceInformationFilterList.valueSet');
        if (key === 'InstanceIds') for (const id of values) checkInstance(id);
        filters.push({ key, values });
      }
      optionalInteger(input, 'MaxResults', 5, 50);
      const info = workstationInformation(instanceId, deps.startedAt);
      return { InstanceInformationList: matchesInstanceFilters(info, filters) ? [info] : [] };
    },

    ListDocuments: (input) => {
      const doc = documentDescription();
      const filters: { key: string; values: string[] }[] = [];
      for (const f of optionalList(input, 'DocumentFilterList') ?? []) {
        const filter = (f ?? {}) as Input;
        filters.push({ key: requiredString(filter, 'key', 64), values: [requiredString(filter, 'value', 256)] });
      }
      for (const f of optionalList(input, 'Filters') ?? []) {
        const filter = (f ?? {}) as Input;
        filters.push({ key: requiredString(filter, 'Key', 128), values: stringList(filter.Values ?? [], 'Filters.Values') });
      }
      const matches = filters.every(({ key, values }) => {
        switch (key) {
          case 'Name':
            return values.some((v) => LOAD_DOCUMENT_NAME.startsWith(v));
          case 'Owner':
            return values.some((v) => ['Self', 'Private', deps.accountId].includes(v));
          case 'DocumentType':
            return values.includes('Command');
          case 'PlatformTypes':
            return values.includes('Linux');
          case 'SearchKeyword':
            return values.some((v) => `${LOAD_DOCUMENT_NAME} ${String(doc.Description)}`.toLowerCase().includes(v.toLowerCase()));
          default:
            return !key.startsWith('tag:');
        }
      });
      const identifier = {
        Name: doc.Name,
        Owner: doc.Owner,
        CreatedDate: doc.CreatedDate,
        DocumentVersion: doc.DocumentVersion,
        DocumentType: doc.DocumentType,
        SchemaVersion: doc.SchemaVersion,
        DocumentFormat: doc.DocumentFormat,
        PlatformTypes: doc.PlatformTypes,
        TargetType: doc.TargetType,
        Tags: [],
      };
      return { DocumentIdentifiers: matches ? [identifier] : [] };
    },

    DescribeDocument: (input) => {
      documentName(requiredString(input, 'Name', 256));
      documentVersion(input);
      return { Document: documentDescription() };
    },

    GetDocument: (input) => {
      documentName(requiredString(input, 'Name', 256));
      documentVersion(input);
      return {
        Name: LOAD_DOCUMENT_NAME,
        CreatedDate: seconds(deps.startedAt),
        DocumentVersion: '1',
        Status: 'Active',
        Content: loadDocumentContent(deps.defaultTarget()),
        DocumentType: 'Command',
        DocumentFormat: 'JSON',
      };
    },

    SendCommand: async (input) => {
      const name = documentName(requiredString(input, 'DocumentName', 256));
      documentVersion(input);
      let targets = instanceIdList(input, 'InstanceIds');
      for (const t of optionalList(input, 'Targets') ?? []) {
        const target = (t ?? {}) as Input;
        const key = requiredString(target, 'Key', 163);
        if (key !== 'InstanceIds') throw validation(`Target key ${key} is not supported by the local emulator; use InstanceIds.`);
        targets = [...(targets ?? []), ...stringList(target.Values ?? [], 'Targets.Values')];
        if (new Set(targets).size !== targets.length) throw new AwsServiceError('DuplicateInstanceId', 'An instance is targeted more than once.');
        for (const id of targets) checkInstance(id);
      }
      if (!targets || targets.length === 0) throw validation('Specify InstanceIds or Targets.');
      if (targets.length > 50) throw validation('At most 50 InstanceIds may be given.');
      const rawParameters = optionalStructure(input, 'Parameters') ?? {};
      // fromEntries defines own members, so a `__proto__` parameter stays a (refused) parameter name.
      const parameters: Record<string, string[]> = Object.fromEntries(
        Object.entries(rawParameters).map(([key, value]) => [key, stringList(value, `Parameters.${key}`)]),
      );
      const plan = planLoad(parameters, deps.defaultTarget(), deps.resolveEndpoint, deps.postgresTarget?.());
      const timeoutSeconds = optionalInteger(input, 'TimeoutSeconds', 1, 2_592_000) ?? DEFAULT_TIMEOUT_SECONDS;
      const record: CommandRecord = {
        commandId: randomUUID(),
        documentName: name,
        documentVersion: '1',
        comment: optionalString(input, 'Comment', 100) ?? '',
        instanceId,
        parameters: plan.shownParameters,
        timeoutSeconds,
        requestedAt: Date.now(),
        status: 'Pending',
        statusDetails: 'Pending',
        responseCode: -1,
        stdout: '',
        stderr: '',
      };
      await store.save(record);
      deps.log(`ssm: SendCommand ${record.commandId} document=${name} instance=${instanceId} ${plan.steps.map((s) => s.args.join(' ')).join(' && ')}`);
      const view = commandView(record);
      deps.execute(record, plan);
      return { Command: view };
    },

    GetCommandInvocation: (input) => {
      const id = requiredString(input, 'CommandId', 36);
      const instance = requiredString(input, 'InstanceId', 124);
      if (!COMMAND_ID.test(id)) throw new AwsServiceError('InvalidCommandId', `Command ${id} is not a valid command id.`);
      if (!/^(i|mi)-[0-9a-f]{8,17}$/.test(instance)) throw new AwsServiceError('InvalidInstanceId', `Instance ${instance} is not a valid instance id.`);
      const record = store.get(id);
      if (!record || record.instanceId !== instance) {
        throw new AwsServiceError('InvocationDoesNotExist', `No invocation of command ${id} on instance ${instance}.`);
      }
      const plugin = optionalString(input, 'PluginName', 256);
      if (plugin !== undefined && plugin !== LOAD_STEP_NAME) throw new AwsServiceError('InvalidPluginName', `Plugin ${plugin} is not part of this command.`);
      const end = record.endedAt ?? (record.startedAt === undefined ? undefined : Date.now());
      return {
        CommandId: record.commandId,
        InstanceId: record.instanceId,
        Comment: record.comment,
        DocumentName: record.documentName,
        DocumentVersion: record.documentVersion,
        PluginName: LOAD_STEP_NAME,
        ResponseCode: record.responseCode,
        ExecutionStartDateTime: isoOrEmpty(record.startedAt),
        ExecutionElapsedTime: record.startedAt === undefined ? '' : `PT${((end! - record.startedAt) / 1000).toFixed(3)}S`,
        ExecutionEndDateTime: isoOrEmpty(record.endedAt),
        Status: record.status,
        StatusDetails: record.statusDetails,
        StandardOutputContent: record.stdout,
        StandardOutputUrl: '',
        StandardErrorContent: record.stderr,
        StandardErrorUrl: '',
        CloudWatchOutputConfig: cloudWatchOutputConfig,
      };
    },

    ListCommands: (input) => {
      const { page, nextToken } = selectCommands(input);
      return { Commands: page.map(commandView), NextToken: nextToken };
    },

    ListCommandInvocations: (input) => {
      const details = optionalBoolean(input, 'Details') ?? false;
      const { page, nextToken } = selectCommands(input);
      return { CommandInvocations: page.map((r) => invocationView(r, details)), NextToken: nextToken };
    },

    CancelCommand: (input) => {
      const record = findCommand(input, true)!;
      instanceIdList(input, 'InstanceIds');
      const execution = deps.running(record.commandId);
      if (execution && !isTerminal(record)) {
        deps.log(`ssm: CancelCommand ${record.commandId}`);
        void execution.stop('Cancelled');
      }
      return {};
    },
  };

  return {
    name: 'ssm',
    signingName: 'ssm',
    targetPrefix: 'AmazonSSM',
    messageMember: 'Message',
    async handle(operation: string, input: Input): Promise<Input> {
      await deps.ready;
      // Own properties only: `__proto__`, `toString`, … are not operations.
      const op = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
      if (!op) throw unknownOperation('SSM', operation);
      return op(input);
    },
  };
}
