import type { DeadLetterReplayQuery, DeadLetterReplayResult } from '@das/contracts';
import type { StreamSupervisor, SupervisorLog } from '../consumer/stream-supervisor.js';
import type { EventPublisher } from '../live/event-publisher.js';
import type { EventStore } from '../store/event-store.js';
import { replayDeadLetters } from './replay-dead-letters.js';

/** `ids=1,2,3` of a replay query as numbers (undefined when absent). */
export function replayIds(query: DeadLetterReplayQuery): number[] | undefined {
  return query.ids === undefined || query.ids === '' ? undefined : [...new Set(query.ids.split(',').map(Number))];
}

export interface DeadLetterService {
  /** Decrypts dead letters again with the running stream's pool; null while no stream is consumed. */
  replay(query: DeadLetterReplayQuery): Promise<DeadLetterReplayResult | null>;
  /**
   * The automatic retry (`DAS_DEAD_LETTER_RETRY_SECONDS`) of letters a key policy or a disabled key
   * set aside. It probes with the newest such letter, one KMS call while access is still denied,
   * and replays them all only once that letter decrypts.
   */
  retryKeyFailures(): Promise<void>;
}

/** Dead letters after quarantine: replay on request, and the opt-in retry of key failures. */
export function createDeadLetterService(options: {
  store: EventStore;
  supervisor: StreamSupervisor;
  publisher: EventPublisher;
  log: SupervisorLog;
}): DeadLetterService {
  const { store, supervisor, publisher, log } = options;
  let retrying = false;

  async function replay(query: DeadLetterReplayQuery): Promise<DeadLetterReplayResult | null> {
    const decoder = supervisor.activeDecoder();
    if (decoder === undefined) return null;
    const running = replayDeadLetters({
      store,
      decode: (records) => decoder.decode(records),
      reason: query.reason,
      ids: replayIds(query),
      limit: query.limit ?? 10_000,
      signal: decoder.signal,
      onRecovered: (events) => publisher.recovered(events),
    });
    decoder.hold(running);
    const result = await running;
    await publisher.recount();
    return result;
  }

  return {
    replay,
    async retryKeyFailures() {
      if (retrying || supervisor.state().state !== 'consuming' || publisher.counts().deadLetters === 0) return;
      retrying = true;
      try {
        const probe = await replay({ reason: 'KEY_DECRYPT_FAILED', limit: 1 });
        if (probe === null || probe.recovered === 0) return;
        const rest = await replay({ reason: 'KEY_DECRYPT_FAILED' });
        log('info', 'dead letters recovered on their own: KMS decrypts their data keys now', {
          recovered: probe.recovered + (rest?.recovered ?? 0),
          events: probe.events + (rest?.events ?? 0),
          stillFailing: rest?.stillFailing ?? 0,
        });
      } catch (error) {
        log('warn', 'automatic dead-letter retry failed', { error: String(error) });
      } finally {
        retrying = false;
      }
    },
  };
}
