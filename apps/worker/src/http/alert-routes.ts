import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { routeSchema, workerRoutes as routes } from '@das/contracts';
import { dryRunRule } from '../alerts/rule-dry-run.js';
import type { LoadedRule } from '../alerts/alert-rules.js';
import type { AlertHub } from '../live/alert-hub.js';
import type { EventStore } from '../store/event-store.js';

export interface AlertRouteOptions {
  store: EventStore;
  rules: () => readonly LoadedRule[];
  hub: AlertHub;
  /** Changes the rules (on/off, create, replace, delete); absent when alerts are off (`DAS_ALERTS=false`). */
  ruleAdmin?: AlertRuleAdmin | undefined;
}

/** What the API may change of the rules (the worker's alerting implements it). */
export interface AlertRuleAdmin {
  setEnabled(id: string, enabled: boolean): Promise<LoadedRule | null>;
  putRule(rule: unknown): Promise<LoadedRule>;
  removeRule(id: string): Promise<'deleted' | 'not-found' | 'not-removable'>;
}

const ALERTS_OFF = { code: 'ALERTS_OFF', message: 'alert rules are not evaluated here (DAS_ALERTS=false)' };
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** `/alerts…` and `/alert-rules…`: stored alerts, acknowledging and resolving, the rules and their dry run, live alerts. */
export const alertRoutes: FastifyPluginAsyncTypebox<AlertRouteOptions> = async (app, { store, rules, hub, ruleAdmin }) => {
  // Acknowledge and resolve take an optional body: a POST without one is `{}`.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.routeOptions.schema?.body !== undefined) request.body = {};
  });

  app.get(routes.listAlerts.path, { schema: routeSchema(routes.listAlerts, 'alerts', 'Alerts, newest first') }, async (request) => {
    const { status, severity, rule, cursor, limit = 100 } = request.query;
    return store.alerts.list({ status, severity, ruleId: rule, cursor, limit });
  });

  app.route({
    method: 'GET',
    url: routes.liveAlerts.path,
    handler: async (_request, reply) =>
      reply.code(426).header('upgrade', 'websocket').send({ code: 'UPGRADE_REQUIRED', message: '/alerts/live is a WebSocket: connect with Upgrade: websocket' }),
    wsHandler: (socket) => {
      const remove = hub.add(socket);
      socket.on('close', remove);
      socket.on('error', remove);
    },
  });

  app.get(routes.getAlert.path, { schema: routeSchema(routes.getAlert, 'alerts', 'One alert') }, async (request, reply) => {
    const alert = await store.alerts.get(request.params.id);
    return alert ?? reply.code(404).send({ code: 'NOT_FOUND', message: `no alert ${request.params.id}` });
  });

  app.post(routes.acknowledgeAlert.path, { schema: routeSchema(routes.acknowledgeAlert, 'alerts', 'Acknowledge an open alert') }, async (request, reply) => {
    const alert = await store.alerts.update(request.params.id, { status: 'acknowledged', by: request.body?.by ?? 'api' });
    return alert ?? reply.code(404).send({ code: 'NOT_FOUND', message: `no alert ${request.params.id}` });
  });
  app.post(routes.resolveAlert.path, { schema: routeSchema(routes.resolveAlert, 'alerts', 'Resolve an open or acknowledged alert') }, async (request, reply) => {
    const alert = await store.alerts.update(request.params.id, { status: 'resolved', by: request.body?.by ?? 'api' });
    return alert ?? reply.code(404).send({ code: 'NOT_FOUND', message: `no alert ${request.params.id}` });
  });

  app.get(routes.listAlertRules.path, { schema: routeSchema(routes.listAlertRules, 'alerts', 'The rules evaluated, built-in and from the rules file') }, async () => ({
    rules: rules().map(({ source, rule }) => ({ source, rule })),
  }));

  for (const [route, enabled] of [[routes.enableAlertRule, true], [routes.disableAlertRule, false]] as const) {
    app.post(route.path, { schema: routeSchema(route, 'alerts', enabled ? 'Turn a rule on (every worker of the store)' : 'Turn a rule off (every worker of the store)') }, async (request, reply) => {
      if (ruleAdmin === undefined) return reply.code(409).send(ALERTS_OFF);
      const entry = await ruleAdmin.setEnabled(request.params.id, enabled);
      return entry ?? reply.code(404).send({ code: 'NOT_FOUND', message: `no rule ${request.params.id}` });
    });
  }

  app.put(routes.putAlertRule.path, { schema: routeSchema(routes.putAlertRule, 'alerts', 'Create a rule, or replace one (a built-in or file rule of the same id is overridden); every worker of the store') }, async (request, reply) => {
    if (ruleAdmin === undefined) return reply.code(409).send(ALERTS_OFF);
    const body = request.body as { id?: unknown };
    if (body.id !== request.params.id) return reply.code(400).send({ code: 'RULE_ID_MISMATCH', message: `the rule's id (${String(body.id)}) is not the one in the path (${request.params.id})`, field: '/body/id' });
    try {
      return await ruleAdmin.putRule(body);
    } catch (error) {
      if (error instanceof Error && (error as { code?: string }).code === 'RULE_INVALID') return reply.code(400).send({ code: 'RULE_INVALID', message: error.message, field: '/body' });
      throw error;
    }
  });

  app.delete(routes.deleteAlertRule.path, { schema: routeSchema(routes.deleteAlertRule, 'alerts', 'Delete a rule created through the API') }, async (request, reply) => {
    if (ruleAdmin === undefined) return reply.code(409).send(ALERTS_OFF);
    const outcome = await ruleAdmin.removeRule(request.params.id);
    if (outcome === 'not-found') return reply.code(404).send({ code: 'NOT_FOUND', message: `no rule ${request.params.id}` });
    if (outcome === 'not-removable') {
      return reply.code(409).send({ code: 'RULE_NOT_REMOVABLE', message: `${request.params.id} is a built-in or file rule: turn it off with POST /alert-rules/${request.params.id}/disable` });
    }
    return { id: request.params.id, deleted: true as const };
  });

  app.get(routes.listAlertDeliveries.path, { schema: routeSchema(routes.listAlertDeliveries, 'alerts', 'Webhook deliveries, newest first: pending, delivered, or dead with their last error') }, async (request) => {
    const { status, limit = 100 } = request.query;
    const found = await store.deliveries.list({ ...(status === undefined ? {} : { status }), limit });
    return {
      deliveries: found.map((d) => ({
        id: d.id,
        alertId: d.alertId,
        endpointId: d.endpointId,
        status: d.status,
        attempts: d.attempts,
        createdAt: new Date(d.createdAt).toISOString(),
        lastAttemptAt: iso(d.lastAttemptAt),
        lastStatus: d.lastStatus,
        lastError: d.lastError,
        deliveredAt: iso(d.deliveredAt),
      })),
    };
  });

  app.post(
    routes.dryRunAlertRule.path,
    { schema: routeSchema(routes.dryRunAlertRule, 'alerts', 'What a rule would have raised over the stored events of the last hours') },
    async (request, reply) => {
      const found = rules().find((r) => r.rule.id === request.params.id);
      if (found === undefined) return reply.code(404).send({ code: 'NOT_FOUND', message: `no rule ${request.params.id}` });
      return dryRunRule(store, found.rule, request.query.hours ?? 24);
    },
  );
};
