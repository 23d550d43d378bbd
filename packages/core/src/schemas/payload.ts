import Type from 'typebox';
import { RawActivityEventSchema, type RawActivityEvent } from './events.js';

/**
 * The decrypted, gunzipped payload (das-format.md §2). Each list element is only checked for an
 * object with a string `type` here; `validatePayload` then checks every element against the
 * schema of its engine (MySQL, PostgreSQL, heartbeat, other) and reports the failing path.
 */
export const DasPayloadSchema = Type.Object(
  {
    type: Type.String(),
    /** `DbClusterResourceId`; `""` for instance streams, absent in one AWS example. */
    clusterId: Type.Optional(Type.String()),
    /** `DbiResourceId` of the instance that produced the events. */
    instanceId: Type.String(),
    databaseActivityEventList: Type.Array(RawActivityEventSchema),
  },
  { additionalProperties: true },
);
export type DasPayload = {
  type: string;
  clusterId?: string;
  instanceId: string;
  databaseActivityEventList: RawActivityEvent[];
} & Record<string, unknown>;
