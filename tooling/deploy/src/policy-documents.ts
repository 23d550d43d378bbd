import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `deploy/` at the repository root, where the policies, units and Prometheus files live. */
export const DEPLOY_DIR = fileURLToPath(new URL('../../../deploy/', import.meta.url));

/** One policy document per caller; the test signs each caller's calls with this access key id. */
export const APP_POLICIES = {
  api: { file: 'iam/das-api-policy.json', accessKeyId: 'api-test' },
  worker: { file: 'iam/das-worker-policy.json', accessKeyId: 'worker-test' },
  tail: { file: 'iam/das-tail-policy.json', accessKeyId: 'tail-test' },
  lab: { file: 'iam/das-lab-policy.json', accessKeyId: 'lab-test' },
} as const;

export type AppName = keyof typeof APP_POLICIES;

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

export function readPolicy(relativePath: string): PolicyDocument {
  return JSON.parse(readFileSync(new URL(relativePath, `file://${DEPLOY_DIR}`), 'utf8')) as PolicyDocument;
}

const asList = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

/** Every action an Allow statement grants, e.g. `kms:Decrypt`. */
export function allowedActions(policy: PolicyDocument): Set<string> {
  return new Set(policy.Statement.filter((statement) => statement.Effect === 'Allow').flatMap((statement) => asList(statement.Action)));
}

/** The statements that grant `action`, for checks on their resources and conditions. */
export function statementsFor(policy: PolicyDocument, action: string): PolicyStatement[] {
  return policy.Statement.filter((statement) => asList(statement.Action).includes(action));
}

export function resourcesOf(statement: PolicyStatement): string[] {
  return asList(statement.Resource);
}
