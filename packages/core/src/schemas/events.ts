import Type from 'typebox';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * DAS timestamps: `YYYY-MM-DD HH:MM:SS.ffffff+00` (Aurora), without zone (RDS Oracle) or with 7
 * fraction digits (SQL Server). ISO `T`/`Z` forms are accepted too; the zone, when absent, is UTC.
 */
export const DAS_TIMESTAMP_PATTERN =
  '^\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}(:?\\d{2})?)?$';
export const DasTimestampSchema = Type.String({ pattern: DAS_TIMESTAMP_PATTERN });

/**
 * One Aurora MySQL activity event (contract 1.2, das-format.md §3.1), types as AWS sends them:
 * `exitCode`, `sessionId`, `transactionId` are strings in every published example although the
 * AWS table says int, so both are accepted. Fields AWS may add later are kept.
 */
export const MysqlActivityEventSchema = Type.Object(
  {
    type: Type.Literal('record'),
    logTime: DasTimestampSchema,
    class: Type.String(),
    clientApplication: Type.Optional(Nullable(Type.String())),
    command: Type.String(),
    commandText: Type.String(),
    databaseName: Type.String(),
    dbProtocol: Type.Optional(Type.String()),
    dbUserName: Type.String(),
    endTime: Type.Optional(Nullable(DasTimestampSchema)),
    errorMessage: Type.Optional(Nullable(Type.String())),
    exitCode: Type.Union([Type.String(), Type.Integer()]),
    netProtocol: Type.Optional(Type.String()),
    objectName: Type.Optional(Nullable(Type.String())),
    objectType: Type.Optional(Nullable(Type.String())),
    paramList: Type.Optional(Nullable(Type.String())),
    pid: Type.Integer(),
    remoteHost: Type.Optional(Type.String()),
    remotePort: Type.Optional(Type.String()),
    rowCount: Type.Optional(Nullable(Type.Integer())),
    serverHost: Type.Optional(Type.String()),
    serverType: Type.String(),
    serverVersion: Type.Optional(Type.String()),
    serviceName: Type.Optional(Type.String()),
    sessionId: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
    startTime: Type.Optional(Nullable(DasTimestampSchema)),
    statementId: Type.Integer(),
    substatementId: Type.Integer(),
    transactionId: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
  },
  { additionalProperties: true },
);
export type MysqlActivityEvent = Type.Static<typeof MysqlActivityEventSchema> & Record<string, unknown>;

/**
 * One Aurora PostgreSQL activity event (contract 1.0/1.1, das-format.md §3.2). `exitCode` is null
 * or a number (a SQLSTATE string is accepted too), `paramList` an array, `commandText` null on
 * connect/disconnect. `errorMessage`/`startTime` only exist from contract 1.1 on.
 */
export const PostgresActivityEventSchema = Type.Object(
  {
    type: Type.Literal('record'),
    logTime: DasTimestampSchema,
    class: Type.String(),
    clientApplication: Type.Optional(Nullable(Type.String())),
    command: Type.String(),
    commandText: Nullable(Type.String()),
    databaseName: Type.String(),
    dbProtocol: Type.Optional(Type.String()),
    dbUserName: Type.String(),
    errorMessage: Type.Optional(Nullable(Type.String())),
    exitCode: Type.Union([Type.Null(), Type.Integer(), Type.String()]),
    netProtocol: Type.Optional(Type.String()),
    objectName: Type.Optional(Nullable(Type.String())),
    objectType: Type.Optional(Nullable(Type.String())),
    paramList: Type.Optional(Type.Union([Type.Array(Type.Unknown()), Type.Null(), Type.String()])),
    pid: Type.Integer(),
    remoteHost: Type.Optional(Nullable(Type.String())),
    remotePort: Type.Optional(Nullable(Type.String())),
    rowCount: Type.Optional(Nullable(Type.Integer())),
    serverHost: Type.Optional(Type.String()),
    serverType: Type.String(),
    serverVersion: Type.Optional(Type.String()),
    serviceName: Type.Optional(Type.String()),
    sessionId: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
    startTime: Type.Optional(Nullable(DasTimestampSchema)),
    statementId: Type.Integer(),
    substatementId: Type.Integer(),
  },
  { additionalProperties: true },
);
export type PostgresActivityEvent = Type.Static<typeof PostgresActivityEventSchema> & Record<string, unknown>;

/**
 * A heartbeat element of `databaseActivityEventList`. Its other fields are unconfirmed
 * (das-format.md §2), so only `type` is required and a `logTime`, when present, must parse.
 */
export const HeartbeatEventSchema = Type.Object(
  {
    type: Type.Literal('heartbeat'),
    logTime: Type.Optional(DasTimestampSchema),
  },
  { additionalProperties: true },
);
export type HeartbeatEvent = Type.Static<typeof HeartbeatEventSchema> & Record<string, unknown>;

/**
 * A record from an engine this package has no precise schema for (RDS Oracle/SQL Server, or a
 * future engine): `type` and a parseable `logTime` are all we rely on.
 */
export const OtherActivityEventSchema = Type.Object(
  {
    type: Type.String(),
    logTime: DasTimestampSchema,
  },
  { additionalProperties: true },
);
export type OtherActivityEvent = Type.Static<typeof OtherActivityEventSchema> & Record<string, unknown>;

/** Any element of `databaseActivityEventList`, before it is checked against its engine's schema. */
export const RawActivityEventSchema = Type.Object({ type: Type.String() }, { additionalProperties: true });
export type RawActivityEvent = { type: string } & Record<string, unknown>;
