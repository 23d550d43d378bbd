import { createTestDatabase } from '../../../test/support/pg-database.js';
import { describeEventStore } from '../event-store-conformance.js';
import { createPgEventStore } from './pg-event-store.js';

describeEventStore('PostgreSQL event store', async () => {
  const database = await createTestDatabase();
  return { open: () => createPgEventStore({ url: database.url }), remove: () => database.drop() };
});
