import Type from 'typebox';

/** Version of the HTTP API contract; bumped on breaking changes. */
export const API_VERSION = '1';

export const HealthSchema = Type.Object({ status: Type.Literal('ok') });
export type Health = Type.Static<typeof HealthSchema>;

export const ReadinessCheckSchema = Type.Object({
  ok: Type.Boolean(),
  ms: Type.Number(),
  code: Type.Optional(Type.String({ description: 'Why the check failed, e.g. AWS_UNREACHABLE, TIMEOUT' })),
  message: Type.Optional(Type.String()),
});
export type ReadinessCheck = Type.Static<typeof ReadinessCheckSchema>;

/** `/readyz`: one cheap call to each AWS service; 503 names the ones that failed. */
export const ReadinessSchema = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  checks: Type.Object({ kms: ReadinessCheckSchema, rds: ReadinessCheckSchema, ssm: ReadinessCheckSchema }),
  failed: Type.Array(Type.String()),
});
export type Readiness = Type.Static<typeof ReadinessSchema>;

/** `GET /console-config` (public): what the one-URL console needs to find the worker. No secrets. */
export const ConsoleConfigSchema = Type.Object({
  workerUrl: Type.String(),
  apiVersion: Type.String(),
  region: Type.String(),
  endpointOverride: Type.Boolean({ description: 'True when the API talks to an AWS-compatible emulator' }),
  streamSource: Type.Optional(
    Type.Object(
      {
        kind: Type.String({ description: 'mariadb, synthetic or none' }),
        note: Type.Optional(Type.String({ description: 'Why, when the emulator chose a fallback' })),
      },
      { description: "What feeds the emulator's activity streams (emulator only)" },
    ),
  ),
});
export type ConsoleConfig = Type.Static<typeof ConsoleConfigSchema>;

/** One cluster's activity-stream capture and what it costs (das-local's `/health` `captureCost`). */
export const CaptureCostSchema = Type.Object({
  state: Type.String({ description: 'idle, running or stopping' }),
  eventsPerSecond: Type.Number({ description: 'Events captured per second over the last ~10 s' }),
  cpuPercent: Type.Number({ description: "The capture's CPU over the last ~10 s, % of one core" }),
  cpuMicrosPerEvent: Type.Number({ description: "The capture's CPU per event since the stream started, µs" }),
  cpuMicros: Type.Number({ description: "The capture's CPU since the stream started, µs" }),
});
export type CaptureCost = Type.Static<typeof CaptureCostSchema>;

/**
 * Which code seals the emulator's records (das-local's `/health` `captureSealing`): its native
 * addons, or the JavaScript fallbacks a build without them uses, at more CPU per event.
 */
export const CaptureSealingSchema = Type.Object({
  signer: Type.Union([Type.Literal('native'), Type.Literal('node:crypto')], { description: "P-384 signatures: @das/p384's addon or node:crypto (~3× the CPU)" }),
  gzip: Type.Union([Type.Literal('isa-l'), Type.Literal('zlib')], { description: "gzip: ISA-L through @das/deflate's addon or node:zlib (~3.5× the CPU)" }),
  frames: Type.Union([Type.Literal('native'), Type.Literal('node:crypto')], { description: "AES-GCM frames: @das/aes-gcm's addon or node:crypto" }),
});
export type CaptureSealing = Type.Static<typeof CaptureSealingSchema>;

/** `GET /stream-cost`: what the emulator's capture costs, per cluster (empty without an emulator that says). */
export const StreamCostSchema = Type.Object({
  clusters: Type.Record(Type.String(), CaptureCostSchema),
  sealing: Type.Optional(CaptureSealingSchema),
});
export type StreamCost = Type.Static<typeof StreamCostSchema>;
