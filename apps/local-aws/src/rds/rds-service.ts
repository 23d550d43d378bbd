import { AwsServiceError } from '../protocol/aws-error.js';
import { readQueryList, type QueryParams, type QueryService } from '../protocol/query-service.js';
import { toXml, xmlList, xmlNode, type XmlNode } from '../protocol/xml.js';
import type { ActivityStreams } from './activity-streams.js';
import type { ClusterRecord, ClusterStore } from './cluster-store.js';

export interface RdsScope {
  region: string;
  accountId: string;
  /** Where the cluster's database listens (the MariaDB the capture watches). */
  endpointOf: (cluster: ClusterRecord) => { host: string; port: number };
}

const NAMESPACE = 'http://rds.amazonaws.com/doc/2014-10-31/';

/** RDS (Query protocol): the clusters, their writer instance and the activity-stream API. */
export function createRdsService(clusters: ClusterStore, streams: ActivityStreams, scope: RdsScope): QueryService {
  const clusterArn = (cluster: ClusterRecord): string => `arn:aws:rds:${scope.region}:${scope.accountId}:cluster:${cluster.identifier}`;
  const instanceArn = (cluster: ClusterRecord): string => `arn:aws:rds:${scope.region}:${scope.accountId}:db:${cluster.writer.identifier}`;

  const clusterXml = (cluster: ClusterRecord): XmlNode => {
    const { host, port } = scope.endpointOf(cluster);
    const stream = cluster.activityStream;
    return xmlNode({
      AllocatedStorage: 1,
      AvailabilityZones: xmlList('AvailabilityZone', [`${scope.region}a`]),
      BackupRetentionPeriod: 1,
      DatabaseName: cluster.databaseName,
      DBClusterIdentifier: cluster.identifier,
      DBClusterParameterGroup: `default.${cluster.engine}`,
      Status: streams.statusOf(cluster),
      Endpoint: host,
      ReaderEndpoint: host,
      MultiAZ: false,
      Engine: cluster.engine,
      EngineVersion: cluster.engineVersion,
      Port: port,
      MasterUsername: cluster.masterUsername,
      DBClusterMembers: xmlList('DBClusterMember', [
        xmlNode({
          DBInstanceIdentifier: cluster.writer.identifier,
          IsClusterWriter: true,
          DBClusterParameterGroupStatus: 'in-sync',
          PromotionTier: 1,
        }),
      ]),
      StorageEncrypted: false,
      DbClusterResourceId: cluster.resourceId,
      DBClusterArn: clusterArn(cluster),
      ClusterCreateTime: new Date(cluster.createdAt),
      EngineMode: 'provisioned',
      ActivityStreamMode: stream.mode,
      ActivityStreamStatus: stream.status,
      ActivityStreamKmsKeyId: stream.kmsKeyId,
      ActivityStreamKinesisStreamName: stream.streamName,
      DeletionProtection: false,
      TagList: xmlList('Tag', []),
    });
  };

  const instanceXml = (cluster: ClusterRecord): XmlNode => {
    const { host, port } = scope.endpointOf(cluster);
    const stream = cluster.activityStream;
    return xmlNode({
      DBInstanceIdentifier: cluster.writer.identifier,
      DBInstanceClass: cluster.writer.instanceClass,
      Engine: cluster.engine,
      DBInstanceStatus: 'available',
      MasterUsername: cluster.masterUsername,
      Endpoint: xmlNode({ Address: host, Port: port }),
      InstanceCreateTime: new Date(cluster.createdAt),
      AvailabilityZone: `${scope.region}a`,
      EngineVersion: cluster.engineVersion,
      PubliclyAccessible: false,
      DBClusterIdentifier: cluster.identifier,
      StorageEncrypted: false,
      DbiResourceId: cluster.writer.resourceId,
      PromotionTier: 1,
      DBInstanceArn: instanceArn(cluster),
      ActivityStreamStatus: stream.status,
      ActivityStreamKmsKeyId: stream.kmsKeyId,
      ActivityStreamKinesisStreamName: stream.streamName,
      ActivityStreamMode: stream.mode,
      ActivityStreamEngineNativeAuditFieldsIncluded: stream.engineNativeAuditFieldsIncluded,
      ActivityStreamPolicyStatus: 'unlocked',
    });
  };

  /** A cluster by identifier or ARN; DBClusterNotFoundFault otherwise. */
  const findCluster = (idOrArn: string): ClusterRecord => {
    const arn = /^arn:aws[a-z-]*:rds:([^:]*):([^:]*):cluster:(.+)$/.exec(idOrArn);
    const identifier = arn ? arn[3]! : idOrArn;
    const cluster = clusters.get(identifier);
    if (!cluster || (arn && (arn[1] !== scope.region || arn[2] !== scope.accountId))) {
      throw new AwsServiceError('DBClusterNotFoundFault', `DBCluster ${idOrArn} not found.`, 404);
    }
    return cluster;
  };

  /** The activity-stream ResourceArn: a cluster ARN here (instance streams are for Oracle/SQL Server). */
  const clusterForResourceArn = (params: QueryParams): ClusterRecord => {
    const resourceArn = required(params, 'ResourceArn');
    if (!/^arn:aws[a-z-]*:rds:[^:]*:[^:]*:cluster:.+$/.test(resourceArn)) {
      throw new AwsServiceError('ResourceNotFoundFault', `The resource ${resourceArn} could not be found: give the ARN of a DB cluster.`, 404);
    }
    return findCluster(resourceArn);
  };

  const paginate = <T>(items: T[], params: QueryParams): { page: T[]; marker?: string } => {
    const maxRecordsText = params.get('MaxRecords');
    // Digits only: `1.5`, `1e2` or ` 30` are not an Integer on the wire.
    const maxRecords = maxRecordsText === undefined ? 100 : /^\d{1,9}$/.test(maxRecordsText) ? Number(maxRecordsText) : Number.NaN;
    if (!Number.isInteger(maxRecords) || maxRecords < 20 || maxRecords > 100) {
      throw new AwsServiceError('InvalidParameterValue', 'MaxRecords must be an integer between 20 and 100.');
    }
    const markerText = params.get('Marker');
    const start = markerText === undefined ? 0 : Number(markerText);
    if (!Number.isInteger(start) || start < 0) throw new AwsServiceError('InvalidParameterValue', 'Marker is not one this service returned.');
    const page = items.slice(start, start + maxRecords);
    return { page, marker: start + page.length < items.length ? String(start + page.length) : undefined };
  };

  const handlers: Record<string, (params: QueryParams) => Promise<string> | string> = {
    DescribeDBClusters(params) {
      const identifier = params.get('DBClusterIdentifier');
      let selected = identifier ? [findCluster(identifier)] : clusters.list();
      for (const [name, values] of readFilters(params)) {
        const matcher = Object.hasOwn(CLUSTER_FILTERS, name) ? CLUSTER_FILTERS[name] : undefined;
        if (!matcher) throw new AwsServiceError('InvalidParameterValue', `Unrecognized filter name: ${name}.`);
        selected = selected.filter((cluster) => values.some((value) => matcher(cluster, value, clusterArn(cluster))));
      }
      const { page, marker } = paginate(selected, params);
      return toXml('DBClusters', xmlList('DBCluster', page.map(clusterXml))) + toXml('Marker', marker);
    },
    DescribeDBInstances(params) {
      const identifier = params.get('DBInstanceIdentifier');
      let selected = clusters.list();
      if (identifier) {
        const arnName = /:db:(.+)$/.exec(identifier)?.[1];
        const wanted = (arnName ?? identifier).toLowerCase();
        selected = selected.filter((cluster) => cluster.writer.identifier.toLowerCase() === wanted);
        if (selected.length === 0) throw new AwsServiceError('DBInstanceNotFound', `DBInstance ${identifier} not found.`, 404);
      }
      for (const [name, values] of readFilters(params)) {
        if (name !== 'db-cluster-id' && name !== 'db-instance-id' && name !== 'engine') {
          throw new AwsServiceError('InvalidParameterValue', `Unrecognized filter name: ${name}.`);
        }
        selected = selected.filter((cluster) =>
          values.some((value) =>
            name === 'engine'
              ? cluster.engine === value
              : name === 'db-cluster-id'
                ? [cluster.identifier, clusterArn(cluster)].includes(value)
                : [cluster.writer.identifier, instanceArn(cluster)].includes(value),
          ),
        );
      }
      const { page, marker } = paginate(selected, params);
      return toXml('DBInstances', xmlList('DBInstance', page.map(instanceXml))) + toXml('Marker', marker);
    },
    async StartActivityStream(params) {
      const cluster = clusterForResourceArn(params);
      const mode = required(params, 'Mode');
      if (mode !== 'sync' && mode !== 'async') throw new AwsServiceError('InvalidParameterValue', `Mode must be sync or async, got '${mode}'.`);
      // Aurora MySQL streams are asynchronous only; Aurora PostgreSQL offers both modes.
      if (mode === 'sync' && cluster.engine.startsWith('aurora-mysql')) {
        throw new AwsServiceError('InvalidParameterCombination', `Aurora MySQL supports only the async mode for database activity streams; DB cluster ${cluster.identifier} is ${cluster.engine}.`);
      }
      const kmsKeyId = required(params, 'KmsKeyId');
      const applyImmediately = booleanParam(params, 'ApplyImmediately') ?? false;
      const engineNativeAuditFieldsIncluded = booleanParam(params, 'EngineNativeAuditFieldsIncluded') ?? false;
      await streams.start(cluster, { kmsKeyId, mode, engineNativeAuditFieldsIncluded });
      const state = cluster.activityStream;
      return (
        toXml('KmsKeyId', state.kmsKeyId) +
        toXml('KinesisStreamName', state.streamName) +
        toXml('Status', state.status) +
        toXml('Mode', state.mode) +
        toXml('ApplyImmediately', applyImmediately) +
        toXml('EngineNativeAuditFieldsIncluded', engineNativeAuditFieldsIncluded)
      );
    },
    async StopActivityStream(params) {
      const cluster = clusterForResourceArn(params);
      await streams.stop(cluster);
      const state = cluster.activityStream;
      return toXml('KmsKeyId', state.kmsKeyId) + toXml('KinesisStreamName', state.streamName) + toXml('Status', state.status);
    },
  };

  return {
    name: 'rds',
    signingName: 'rds',
    xmlNamespace: NAMESPACE,
    handle(action, params) {
      const handler = Object.hasOwn(handlers, action) ? handlers[action] : undefined;
      if (!handler) throw new AwsServiceError('InvalidAction', `The action ${action} is not supported by the local RDS emulator.`);
      return handler(params);
    },
  };
}

const CLUSTER_FILTERS: Record<string, (cluster: ClusterRecord, value: string, arn: string) => boolean> = {
  'db-cluster-id': (cluster, value, arn) => cluster.identifier.toLowerCase() === value.toLowerCase() || arn === value,
  'db-cluster-resource-id': (cluster, value) => cluster.resourceId === value,
  engine: (cluster, value) => cluster.engine === value,
};

function required(params: QueryParams, name: string): string {
  const value = params.get(name);
  if (value === undefined || value === '') throw new AwsServiceError('MissingParameter', `The request must contain the parameter ${name}.`);
  return value;
}

function booleanParam(params: QueryParams, name: string): boolean | undefined {
  const value = params.get(name);
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new AwsServiceError('InvalidParameterValue', `${name} must be true or false, got '${value}'.`);
}

/** `Filters.Filter.N.Name` / `Filters.Filter.N.Values.Value.M`. */
function readFilters(params: QueryParams): Array<[string, string[]]> {
  const filters: Array<[string, string[]]> = [];
  for (let index = 1; ; index++) {
    const name = params.get(`Filters.Filter.${index}.Name`);
    if (name === undefined) return filters;
    filters.push([name, readQueryList(params, `Filters.Filter.${index}.Values.Value`)]);
  }
}
