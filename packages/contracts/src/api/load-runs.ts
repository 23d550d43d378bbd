import Type from 'typebox';

/** SSM Run Command statuses (invocation level). */
export const LoadRunStatusSchema = Type.Union(
  ['Pending', 'InProgress', 'Delayed', 'Success', 'Cancelled', 'Failed', 'TimedOut', 'Cancelling'].map((status) => Type.Literal(status)),
);
export type LoadRunStatus = Type.Static<typeof LoadRunStatusSchema>;

const ParameterText = (description: string) =>
  Type.String({ minLength: 1, maxLength: 512, pattern: '^[^\\u0000-\\u001f]+$', description });

/** The load document's parameters. `dbPassword` is sent to SSM and never echoed back or logged. */
export const LoadRunParametersSchema = Type.Object(
  {
    clusterEndpoint: Type.Optional(ParameterText('Writer endpoint of the cluster')),
    dbUser: Type.Optional(ParameterText('Database user')),
    dbPassword: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'Database password; write-only', writeOnly: true })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'Database port (emulator document only)' })),
    engine: Type.Optional(
      Type.Union([Type.Literal('mysql'), Type.Literal('postgres')], { description: 'Database engine of the cluster (emulator document only; default mysql)' }),
    ),
    database: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_$]+$', description: 'Schema of the TPC-C tables (emulator document only)' }),
    ),
    warehouses: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    threads: Type.Optional(Type.Integer({ minimum: 1, maximum: 256 })),
    duration: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400, description: 'Seconds' })),
  },
  { additionalProperties: false },
);
export type LoadRunParameters = Type.Static<typeof LoadRunParametersSchema>;

const InstanceIdSchema = Type.String({ minLength: 1, maxLength: 64, pattern: '^(i|mi)-[0-9a-zA-Z]{1,40}$' });

export const LoadRunCreateBodySchema = Type.Object(
  {
    documentName: Type.Optional(
      Type.String({ minLength: 3, maxLength: 128, pattern: '^[A-Za-z0-9_.:/-]+$', description: 'Defaults to DAS_LOAD_DOCUMENT' }),
    ),
    instanceIds: Type.Optional(
      Type.Array(InstanceIdSchema, { minItems: 1, maxItems: 50, description: 'Defaults to DAS_LOAD_INSTANCE_ID or the first Online instance' }),
    ),
    parameters: Type.Optional(LoadRunParametersSchema),
  },
  { additionalProperties: false },
);
export type LoadRunCreateBody = Type.Static<typeof LoadRunCreateBodySchema>;

/** Progress parsed from the load generator's output (the last progress line seen). */
export const LoadRunProgressSchema = Type.Object({
  phase: Type.Union([Type.Literal('prepare'), Type.Literal('run')], { description: 'prepare: loading the data set (tpmC 0); run: the load itself' }),
  tpmC: Type.Number(),
  elapsedSeconds: Type.Number(),
  percentage: Type.Number({ minimum: 0, maximum: 100 }),
});
export type LoadRunProgress = Type.Static<typeof LoadRunProgressSchema>;

/** A load run is one SSM command; its id is the SSM CommandId. */
export const LoadRunSchema = Type.Object({
  id: Type.String(),
  documentName: Type.String(),
  instanceIds: Type.Array(Type.String()),
  status: Type.String({ description: 'SSM status: Pending, InProgress, Success, Cancelled, Failed, TimedOut, …' }),
  statusDetails: Type.Optional(Type.String()),
  requestedAt: Type.Optional(Type.String({ description: 'ISO 8601' })),
  startedAt: Type.Optional(Type.String({ description: 'When the instance started the command (SSM ExecutionStartDateTime), ISO 8601' })),
  endedAt: Type.Optional(Type.String({ description: 'When it ended (SSM ExecutionEndDateTime), ISO 8601' })),
  failureReason: Type.Optional(
    Type.String({ description: 'Failed, timed-out or cancelled runs: the last line of stderr, else SSM StatusDetails' }),
  ),
  parameters: Type.Record(Type.String(), Type.String(), { description: 'Document parameters, dbPassword omitted' }),
  progress: Type.Optional(LoadRunProgressSchema),
  responseCode: Type.Optional(Type.Integer()),
  output: Type.Optional(
    Type.String({ description: 'GET /load-runs/:id only: the end of the output (stdout, then stderr), at most 4,000 characters' }),
  ),
});
export type LoadRun = Type.Static<typeof LoadRunSchema>;

export const LoadRunListSchema = Type.Object({ loadRuns: Type.Array(LoadRunSchema) });
export type LoadRunList = Type.Static<typeof LoadRunListSchema>;

export const LoadRunIdParamsSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9a-fA-F-]{1,64}$', description: 'SSM CommandId' }),
});
export type LoadRunIdParams = Type.Static<typeof LoadRunIdParamsSchema>;
