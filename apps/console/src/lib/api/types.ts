// Wire shapes of the API and the worker, from @das/contracts (type-only: no schema runtime in the bundle).
export type {
  ActivityStreamChange,
  ActivityStreamStatus,
  ActivityStreamStartBody,
  Cluster,
  ClusterList,
  ConsoleConfig,
  CreateKeyBody,
  CreateKeyResult,
  DeadLetter,
  DeadLetterReplayResult,
  DeadLettersPage,
  ErrorBody,
  EventsPage,
  Facets,
  Fleet,
  Histogram,
  KeyDeletion,
  KeyList,
  KeySummary,
  LiveClientFrame,
  LiveServerFrame,
  LoadRunCreateBody,
  LoadRunList,
  LoadRunParameters,
  StatusEvent,
  StoredEvent,
  StreamCost,
  WorkerStatus,
} from '@das/contracts';

import type { LoadRun as ContractLoadRun } from '@das/contracts';

/** A load run; `output` is shown when the API includes the command's output. */
export type LoadRun = ContractLoadRun & { output?: string };
