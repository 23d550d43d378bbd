import { createHash } from 'node:crypto';
import { hostname, release } from 'node:os';
import { AwsServiceError } from '../protocol/aws-error.js';

/** A stable `i-` + 17 hex id for the local workstation, the same across restarts of one account/region. */
export function workstationInstanceId(accountId: string, region: string): string {
  return `i-${createHash('sha256').update(`das-local-workstation:${accountId}:${region}`).digest('hex').slice(0, 17)}`;
}

/** The one managed instance: this machine, standing in for the lab's EC2 workstation. */
export function workstationInformation(instanceId: string, registeredAt: number): Record<string, unknown> {
  return {
    InstanceId: instanceId,
    PingStatus: 'Online',
    LastPingDateTime: Date.now() / 1000,
    AgentVersion: '3.3.0.0',
    IsLatestVersion: true,
    PlatformType: 'Linux',
    PlatformName: 'Linux',
    PlatformVersion: release(),
    ResourceType: 'EC2Instance',
    IPAddress: '127.0.0.1',
    ComputerName: hostname(),
    Name: 'das-lab-workstation',
    AssociationStatus: 'Success',
    RegistrationDate: registeredAt / 1000,
    SourceId: instanceId,
    SourceType: 'AWS::EC2::Instance',
  };
}

const FILTER_FIELDS: Record<string, string> = {
  InstanceIds: 'InstanceId',
  PingStatus: 'PingStatus',
  PlatformTypes: 'PlatformType',
  ResourceType: 'ResourceType',
  AgentVersion: 'AgentVersion',
  AssociationStatus: 'AssociationStatus',
};

/**
 * Applies DescribeInstanceInformation filters (`Filters` [{Key, Values}] or the older
 * `InstanceInformationFilterList` [{key, valueSet}]) to the instance.
 */
export function matchesInstanceFilters(info: Record<string, unknown>, filters: { key: string; values: string[] }[]): boolean {
  for (const { key, values } of filters) {
    const field = Object.hasOwn(FILTER_FIELDS, key) ? FILTER_FIELDS[key] : undefined;
    if (!field) {
      if (key.startsWith('tag:') || key === 'tag-key') return false; // the workstation has no tags
      throw new AwsServiceError('InvalidFilterKey', `The filter key ${key} is not valid.`);
    }
    if (values.length === 0) throw new AwsServiceError('InvalidInstanceInformationFilterValue', `The filter ${key} needs at least one value.`);
    if (!values.includes(String(info[field]))) return false;
  }
  return true;
}
