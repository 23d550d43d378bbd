import { apiRoutes, routeSchema } from '@das/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AwsClients } from '../aws-clients.js';
import { cancelLoadRun, createLoadRun, getLoadRun, listLoadRuns, type LoadRunDefaults } from '../services/load-runs.js';

/** Load runs: the lab's SSM Run Command of the TPC-C-like load document. */
export const loadRunRoutes: FastifyPluginAsyncTypebox<{ ssm: AwsClients['ssm']; defaults: LoadRunDefaults }> = async (app, { ssm, defaults }) => {
  const r = apiRoutes;
  app.post('/load-runs', { schema: routeSchema(r.createLoadRun, 'load-runs', 'Start a load run (SSM SendCommand)') }, async (request, reply) =>
    reply.code(201).send(await createLoadRun(ssm, defaults, request.body)),
  );
  app.get('/load-runs', { schema: routeSchema(r.listLoadRuns, 'load-runs', 'Recent load runs') }, async () => ({
    loadRuns: await listLoadRuns(ssm, defaults.loadDocument),
  }));
  app.get('/load-runs/:id', { schema: routeSchema(r.getLoadRun, 'load-runs', 'One load run with its progress') }, async (request) =>
    getLoadRun(ssm, request.params.id),
  );
  app.delete('/load-runs/:id', { schema: routeSchema(r.cancelLoadRun, 'load-runs', 'Cancel a load run') }, async (request) =>
    cancelLoadRun(ssm, request.params.id),
  );
};
