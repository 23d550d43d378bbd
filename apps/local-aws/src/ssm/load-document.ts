import { createHash } from 'node:crypto';
import { AwsServiceError } from '../protocol/aws-error.js';

/** The lab's load-test Command document (step 3 "Generate database load"). */
export const LOAD_DOCUMENT_NAME = 'DAS-Lab-TpccLoad';
/** The single step; its name is the plugin name in GetCommandInvocation and CommandPlugins. */
export const LOAD_STEP_NAME = 'runTpccLoad';

/** Where the local cluster's MariaDB listens; the document's defaults come from it. */
export interface DatabaseTarget {
  host: string;
  port: number;
  user: string;
  password: string;
}

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
    '--clusterEndpoint {{clusterEndpoint}} --port {{port}} --dbUser {{dbUser}} --dbPassword {{dbPassword}} --database {{database}}';
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
  password: string;
  /** The parameters as the command record keeps them: the password masked. */
  shownParameters: Record<string, string[]>;
  durationSec: number;
}

const RDS_HOST_SUFFIX = '.rds.amazonaws.com';

/**
 * Validates SendCommand `Parameters` (each a one-element string list) and fills defaults from
 * the local cluster. An `*.rds.amazonaws.com` endpoint (what the emulated RDS hands out) or one
 * known to `resolveEndpoint` maps to the local MariaDB.
 */
export function planLoad(
  parameters: Record<string, string[]>,
  target: DatabaseTarget,
  resolveEndpoint?: (endpoint: string) => { host: string; port: number } | undefined,
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
  const conn = ['--host', host, '--port', String(port), '--user', user, '--database', database];
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
    password,
    shownParameters,
    durationSec,
  };
}
