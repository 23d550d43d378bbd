import { createHash } from 'node:crypto';
import { AwsServiceError } from '../protocol/aws-error.js';

/** The lab's load-test Command document (step 3 "Generate database load"). */
export const LOAD_DOCUMENT_NAME = 'DAS-Lab-TpccLoad';
/** The single step; its name is the plugin name in GetCommandInvocation and CommandPlugins. */
export const LOAD_STEP_NAME = 'runTpccLoad';

/** Where a local cluster's database listens; the document's defaults come from the MySQL one. */
export interface DatabaseTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Default mysql. */
  engine?: LoadEngine;
}

export type LoadEngine = 'mysql' | 'postgres';

interface ParameterSpec {
  name: string;
  description: string;
  /** The default shown by DescribeDocument; `undefined` → taken from the local cluster at run time. */
  shownDefault: (target: DatabaseTarget) => string;
  validate?: (value: string) => string | undefined;
}

const positiveInt = (max: number) => (value: string) =>
  /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= max ? undefined : `must be an integer between 1 and ${max}`;

const PARAMETERS: readonly ParameterSpec[] = [
  {
    name: 'engine',
    description: 'Database engine: mysql or postgres (default: the engine of the local cluster at the endpoint and port, else mysql).',
    shownDefault: () => '',
    validate: (v) => (v === 'mysql' || v === 'postgres' ? undefined : 'must be mysql or postgres'),
  },
  { name: 'clusterEndpoint', description: 'Cluster endpoint to load (default: the local cluster).', shownDefault: (t) => t.host },
  { name: 'dbUser', description: 'Database user.', shownDefault: (t) => t.user },
  // Never shown: the local cluster's password is filled in at run time when this is left out.
  { name: 'dbPassword', description: "Database password (default: the local cluster's).", shownDefault: () => '' },
  { name: 'port', description: 'Database port.', shownDefault: (t) => String(t.port), validate: positiveInt(65535) },
  {
    name: 'database',
    description: 'Schema holding the TPC-C tables.',
    shownDefault: () => 'tpcc',
    validate: (v) => (/^[A-Za-z0-9_$]{1,64}$/.test(v) ? undefined : 'must be a plain schema name'),
  },
  { name: 'warehouses', description: 'TPC-C warehouses to prepare.', shownDefault: () => '1', validate: positiveInt(1000) },
  { name: 'threads', description: 'Concurrent terminals.', shownDefault: () => '4', validate: positiveInt(256) },
  { name: 'duration', description: 'Seconds of load.', shownDefault: () => '60', validate: positiveInt(86_400) },
];

/** The document content (schema 2.2), as GetDocument returns it. */
export function loadDocumentContent(target: DatabaseTarget): string {
  const flags =
    '--engine {{engine}} --clusterEndpoint {{clusterEndpoint}} --port {{port}} --dbUser {{dbUser}} --dbPassword {{dbPassword}} --database {{database}}';
  return JSON.stringify(
    {
      schemaVersion: '2.2',
      description: 'DAS lab: prepare a TPC-C data set (if needed) and run a TPC-C-like load against the cluster with @das/tpcc.',
      parameters: Object.fromEntries(
        PARAMETERS.map((p) => [p.name, { type: 'String', description: p.description, default: p.shownDefault(target) }]),
      ),
      mainSteps: [
        {
          action: 'aws:runShellScript',
          name: LOAD_STEP_NAME,
          precondition: { StringEquals: ['platformType', 'Linux'] },
          inputs: {
            runCommand: [
              `das-tpcc prepare ${flags} --warehouses {{warehouses}} --json`,
              `das-tpcc run ${flags} --threads {{threads}} --duration {{duration}} --json`,
            ],
          },
        },
      ],
    },
    null,
    2,
  );
}

export function loadDocumentHash(target: DatabaseTarget): string {
  return createHash('sha256').update(loadDocumentContent(target)).digest('hex');
}

/** DescribeDocument's `Parameters`. */
export function loadDocumentParameters(target: DatabaseTarget): Record<string, string>[] {
  return PARAMETERS.map((p) => ({ Name: p.name, Type: 'String', Description: p.description, DefaultValue: p.shownDefault(target) }));
}

/** What the runner needs: argv of each step (no password in it), and the password for the environment. */
export interface LoadPlan {
  steps: { label: string; args: string[] }[];
  engine: LoadEngine;
  /** For the child's environment (`MYSQL_PWD` or `PGPASSWORD`), never its argv. */
  password: string;
  /** The parameters as the command record keeps them: the password masked. */
  shownParameters: Record<string, string[]>;
  durationSec: number;
}

const RDS_HOST_SUFFIX = '.rds.amazonaws.com';

/**
 * Validates SendCommand `Parameters` (each a one-element string list) and fills defaults from
 * the local cluster. An `*.rds.amazonaws.com` endpoint (what the emulated RDS hands out) or one
 * known to `resolveEndpoint` maps to the local MariaDB. The local PostgreSQL cluster (`postgres`)
 * is chosen by `engine=postgres` or by its port.
 */
export function planLoad(
  parameters: Record<string, string[]>,
  mysqlTarget: DatabaseTarget,
  resolveEndpoint?: (endpoint: string) => { host: string; port: number } | undefined,
  postgresTarget?: DatabaseTarget,
): LoadPlan {
  const known = new Map(PARAMETERS.map((p) => [p.name, p]));
  const given: Record<string, string> = {};
  for (const [name, values] of Object.entries(parameters)) {
    const spec = known.get(name);
    if (!spec) throw new AwsServiceError('InvalidParameters', `Parameter '${name}' is not defined in document ${LOAD_DOCUMENT_NAME}.`);
    if (values.length !== 1) throw new AwsServiceError('InvalidParameters', `Parameter '${name}' takes exactly one value.`);
    const value = values[0]!;
    const problem = spec.validate?.(value);
    if (problem) throw new AwsServiceError('InvalidParameters', `Parameter '${name}' ${problem}.`);
    given[name] = value;
  }
  const wanted = given.engine as LoadEngine | undefined;
  if (wanted === 'postgres' && postgresTarget === undefined && (given.clusterEndpoint === undefined || given.clusterEndpoint.trim() === mysqlTarget.host)) {
    throw new AwsServiceError('InvalidParameters', 'This emulator serves no PostgreSQL cluster: start das-local with --postgres, or give the clusterEndpoint of a PostgreSQL server.');
  }
  const pgByPort = postgresTarget !== undefined && given.port !== undefined && Number(given.port) === postgresTarget.port && wanted !== 'mysql';
  const target = (wanted === 'postgres' || pgByPort) && postgresTarget !== undefined ? postgresTarget : mysqlTarget;
  const engine: LoadEngine = wanted ?? target.engine ?? 'mysql';
  let host = target.host;
  let port = target.port;
  let localCluster = true;
  const endpoint = given.clusterEndpoint?.trim();
  if (endpoint && endpoint !== target.host) {
    const mapped = resolveEndpoint?.(endpoint);
    if (mapped) ({ host, port } = mapped);
    else if (endpoint.toLowerCase().endsWith(RDS_HOST_SUFFIX)) ({ host, port } = target);
    else {
      const m = /^(.+?)(?::(\d{1,5}))?$/.exec(endpoint)!;
      host = m[1]!;
      if (m[2]) port = Number(m[2]);
      localCluster = false;
    }
  }
  if (given.port) port = Number(given.port);
  // The local cluster's password only ever goes to the local cluster.
  const password = given.dbPassword ?? (localCluster ? target.password : '');
  const user = given.dbUser ?? target.user;
  const database = given.database ?? 'tpcc';
  const conn = ['--engine', engine, '--host', host, '--port', String(port), '--user', user, '--database', database];
  const durationSec = Number(given.duration ?? '60');
  // About 60 progress lines per run, so the final report fits in the 24,000 characters SSM keeps.
  // --json: readers (the API) follow the run from typed lines (@das/tpcc/json-lines), not text.
  const reportInterval = Math.max(1, Math.ceil(durationSec / 60));
  const shownParameters: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(given)) shownParameters[name] = [name === 'dbPassword' ? '****' : value];
  return {
    steps: [
      { label: 'prepare', args: ['prepare', ...conn, '--warehouses', given.warehouses ?? '1', '--json'] },
      {
        label: 'run',
        args: ['run', ...conn, '--threads', given.threads ?? '4', '--duration', String(durationSec), '--report-interval', String(reportInterval), '--json'],
      },
    ],
    engine,
    password,
    shownParameters,
    durationSec,
  };
}
