import { tempDir } from '../../test/support/worker-harness.js';
import { createDuckDbEventStore } from './duckdb-event-store.js';
import { describeEventStore } from './event-store-conformance.js';

describeEventStore('DuckDB event store', async () => {
  const dir = await tempDir();
  return { open: () => createDuckDbEventStore({ path: `${dir.path}/events.duckdb` }), remove: () => dir.remove() };
});
