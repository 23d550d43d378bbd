import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ACTIVITY_EVENT_FIELDS, filterFromQuery } from '@das/core';
import { routeSchema, workerRoutes as routes, type StoredEvent } from '@das/contracts';
import type { EventStore } from '../store/event-store.js';

type Query = Record<string, string | string[] | undefined>;

/** The export's columns: the store id and time first, then every scalar field of the one field table. */
const CSV_COLUMNS = [
  'id',
  'time',
  ...ACTIVITY_EVENT_FIELDS.map((field) => field.name).filter((name) => name !== 'time' && name !== 'timeMs' && name !== 'raw'),
  'shardId',
  'sequenceNumber',
  'category',
  'fingerprint',
] as const satisfies readonly (keyof StoredEvent)[];

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  // Quote per RFC 4180; a leading =,+,-,@ is prefixed so spreadsheets do not run it as a formula.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) || safe !== text ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvRow(event: StoredEvent): string {
  return `${CSV_COLUMNS.map((c) => csvCell(event[c])).join(',')}\r\n`;
}

/** A histogram interval that gives roughly 60 buckets over the range, at least one second. */
function autoInterval(fromIso: string | undefined, toIso: string | undefined): number {
  const to = toIso === undefined ? Date.now() : Date.parse(toIso);
  const from = fromIso === undefined ? to - 3_600_000 : Date.parse(fromIso);
  const steps = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 6 * 3600, 86_400].map((s) => s * 1000);
  const wanted = Math.max(1000, (to - from) / 60);
  return steps.find((s) => s >= wanted) ?? 86_400_000;
}

/** `GET /events…` and `GET /dead-letters…`: the query API over the event store. */
export const eventRoutes: FastifyPluginAsyncTypebox<{ store: EventStore }> = async (app, { store }) => {
  app.get(routes.listEvents.path, { schema: routeSchema(routes.listEvents, 'events', 'A page of events, newest first') }, async (request) => {
    const filter = filterFromQuery(request.query as Query);
    return store.query(filter, { cursor: request.query.cursor, limit: request.query.limit ?? 100, order: request.query.order ?? 'desc' });
  });

  app.get(routes.eventFacets.path, { schema: routeSchema(routes.eventFacets, 'events', 'Top values per field') }, async (request) =>
    store.facets(filterFromQuery(request.query as Query)),
  );

  app.get(routes.topStatements.path, { schema: routeSchema(routes.topStatements, 'events', 'The most frequent statements (by fingerprint)') }, async (request) => ({
    statements: await store.topStatements(filterFromQuery(request.query as Query), request.query.limit ?? 20),
  }));

  app.get(routes.eventHistogram.path, { schema: routeSchema(routes.eventHistogram, 'events', 'Counts per time bucket, split by a field (command by default)') }, async (request) => {
    const filter = filterFromQuery(request.query as Query);
    return store.histogram(filter, request.query.intervalMs ?? autoInterval(filter.from, filter.to), { groupBy: request.query.groupBy ?? 'command', top: request.query.top ?? 8 });
  });

  // Streamed, so only the request is validated here; the body is NDJSON or CSV.
  app.get(routes.exportEvents.path, { schema: { querystring: routes.exportEvents.querystring } }, async (request, reply) => {
    const filter = filterFromQuery(request.query as Query);
    const format = request.query.format ?? 'ndjson';
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    reply.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    reply.header('content-disposition', `attachment; filename="das-events-${stamp}.${format === 'csv' ? 'csv' : 'ndjson'}"`);
    async function* lines() {
      if (format === 'csv') yield `${CSV_COLUMNS.join(',')}\r\n`;
      for await (const event of store.export(filter, request.query.limit)) {
        yield format === 'csv' ? csvRow(event) : `${JSON.stringify(event)}\n`;
      }
    }
    return reply.send(Readable.from(lines()));
  });

  app.get(
    routes.getEvent.path,
    { schema: routeSchema(routes.getEvent, 'events', 'One event') },
    async (request, reply) => {
      const event = await store.get(request.params.id);
      if (event === null) return reply.code(404).send({ code: 'NOT_FOUND', message: `no event ${request.params.id}` });
      return event;
    },
  );

  app.get(routes.listDeadLetters.path, { schema: routeSchema(routes.listDeadLetters, 'dead-letters', 'A page of dead letters, newest first, without their data') }, async (request) =>
    store.deadLetters({ reason: request.query.reason, cursor: request.query.cursor, limit: request.query.limit ?? 100 }),
  );

  app.get(routes.deadLetterReasons.path, { schema: routeSchema(routes.deadLetterReasons, 'dead-letters', 'Dead letters per reason') }, async () => {
    const reasons = await store.deadLetterReasons();
    return { total: reasons.reduce((n, r) => n + r.count, 0), reasons };
  });

  app.get(routes.getDeadLetter.path, { schema: routeSchema(routes.getDeadLetter, 'dead-letters', 'One dead letter with its data') }, async (request, reply) => {
    const letter = await store.getDeadLetter(request.params.id);
    if (letter === null) return reply.code(404).send({ code: 'NOT_FOUND', message: `no dead letter ${request.params.id}` });
    return letter;
  });
};
