/**
 * The Aurora MySQL activity event (DAS contract 1.2, das-format.md §3.1) as the capture writes
 * it; structurally a `MysqlActivityEvent` of `@das/core`.
 */
export type CapturedActivityEvent = {
  type: 'record';
  class: 'MAIN' | 'AUX';
  clientApplication: null;
  command: string;
  commandText: string;
  databaseName: string;
  dbProtocol: 'MySQL';
  dbUserName: string;
  endTime: string;
  errorMessage: string;
  exitCode: string;
  logTime: string;
  netProtocol: 'TCP';
  objectName: string;
  objectType: 'TABLE';
  paramList: null;
  pid: number;
  remoteHost: string;
  remotePort: string;
  rowCount: number;
  serverHost: string;
  serverType: 'MySQL';
  serverVersion: string;
  serviceName: 'Amazon Aurora MySQL';
  sessionId: string;
  startTime: string;
  statementId: number;
  substatementId: number;
  transactionId: string;
  /** Present only when the stream was started with EngineNativeAuditFieldsIncluded. */
  engineNativeAuditFields?: Record<string, string>;
};

/** A heartbeat element of `databaseActivityEventList`: written when the database is idle. */
export type CapturedHeartbeat = {
  type: 'heartbeat';
  logTime: string;
  serverHost: string;
  serverType: 'MySQL';
  serviceName: 'Amazon Aurora MySQL';
  serverVersion: string;
};

export type CapturedEvent = CapturedActivityEvent | CapturedHeartbeat;
