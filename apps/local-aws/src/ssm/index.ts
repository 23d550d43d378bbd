import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { JsonService } from '../protocol/json-service.js';
import { CommandExecution } from './command-runner.js';
import { CommandStore } from './command-store.js';
import { LOAD_DOCUMENT_NAME, type DatabaseTarget } from './load-document.js';
import { createSsmJsonService } from './ssm-service.js';
import { workstationInstanceId } from './workstation.js';

export interface SsmServiceOptions {
  /** Command history lives in `<dataDir>/ssm/`. */
  dataDir: string;
  region: string;
  accountId: string;
  /** The local cluster's MariaDB: the document's defaults and where RDS endpoints lead. */
  defaultTarget: () => DatabaseTarget;
  /** The local Aurora PostgreSQL cluster's database (`engine=postgres`, or its port). */
  postgresTarget?: () => DatabaseTarget;
  /**
   * Maps a `clusterEndpoint` parameter to a reachable host (e.g. an emulated RDS endpoint name);
   * without it, `*.rds.amazonaws.com` names lead to `defaultTarget`.
   */
  resolveEndpoint?: (endpoint: string) => { host: string; port: number } | undefined;
  /** The built `das-tpcc` bin; default: `dist/bin/das-tpcc.js` of the installed `@das/tpcc`. */
  tpccBin?: string;
  /** Lines for the emulator's log; never carries a password. */
  log?: (line: string) => void;
}

export interface LocalSsm {
  service: JsonService;
  documentName: string;
  instanceId: string;
  /** Cancels running commands (their children get SIGTERM, then SIGKILL) and saves the history. */
  close(): Promise<void>;
}

/** Where `@das/tpcc`'s built CLI is. */
export function defaultTpccBin(): string {
  const require = createRequire(import.meta.url);
  try {
    return join(dirname(require.resolve('@das/tpcc/package.json')), 'dist', 'bin', 'das-tpcc.js');
  } catch {
    // Not installed: commands then fail with the "not built" hint instead of the emulator not starting.
    return join(process.cwd(), 'node_modules', '@das', 'tpcc', 'dist', 'bin', 'das-tpcc.js');
  }
}

/**
 * SSM Run Command for the local stack: one workstation instance (this machine) and the lab's
 * load document, which runs `das-tpcc prepare` and `das-tpcc run` in child processes.
 */
export function createSsmService(options: SsmServiceOptions): LocalSsm {
  const log = options.log ?? (() => undefined);
  const startedAt = Date.now();
  const instanceId = workstationInstanceId(options.accountId, options.region);
  const store = new CommandStore(join(options.dataDir, 'ssm'));
  const tpccBin = options.tpccBin ?? defaultTpccBin();
  const executions = new Map<string, CommandExecution>();
  let closing = false;
  const ready = store.load(startedAt).then(({ terminated }) => {
    if (terminated > 0) log(`ssm: ${terminated} command(s) were running when the emulator last stopped; marked Failed (Terminated)`);
  });
  ready.catch((error: unknown) => log(`ssm: could not load the command history: ${String(error)}`));
  log(`ssm: Run Command document ${LOAD_DOCUMENT_NAME} on workstation instance ${instanceId}`);

  const service = createSsmJsonService({
    region: options.region,
    accountId: options.accountId,
    instanceId,
    startedAt,
    store,
    defaultTarget: options.defaultTarget,
    ...(options.postgresTarget === undefined ? {} : { postgresTarget: options.postgresTarget }),
    resolveEndpoint: options.resolveEndpoint,
    ready,
    log,
    running: (commandId) => executions.get(commandId),
    execute: (record, plan) => {
      const execution = new CommandExecution(record, plan, { store, tpccBin, log });
      executions.set(record.commandId, execution);
      void execution.done
        .catch((error: unknown) => log(`ssm: command ${record.commandId} ended with an internal error: ${String(error)}`))
        .finally(() => executions.delete(record.commandId));
      if (closing) void execution.stop('Cancelled');
      return execution;
    },
  });

  return {
    service,
    documentName: LOAD_DOCUMENT_NAME,
    instanceId,
    async close() {
      closing = true;
      await ready.catch(() => undefined);
      await Promise.all([...executions.values()].map((e) => e.stop('Cancelled').catch(() => undefined)));
      await store.flush();
    },
  };
}
