import { apiRoutes, routeSchema } from '@das/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AwsClients } from '../aws-clients.js';
import { cancelKeyDeletion, createKey, getKey, listKeys, scheduleKeyDeletion } from '../services/keys.js';

/** KMS keys for DAS: create (policy + alias), list, describe, schedule and cancel deletion. */
export const keyRoutes: FastifyPluginAsyncTypebox<{ kms: AwsClients['kms'] }> = async (app, { kms }) => {
  const r = apiRoutes;
  app.post('/keys', { schema: routeSchema(r.createKey, 'keys', 'Create a customer managed symmetric key with alias and policy') }, async (request, reply) =>
    reply.code(201).send(await createKey(kms, request.body)),
  );
  app.get('/keys', { schema: routeSchema(r.listKeys, 'keys', 'Customer managed symmetric keys') }, async () => ({ keys: await listKeys(kms) }));
  app.get('/keys/:keyId', { schema: routeSchema(r.getKey, 'keys', 'One key by id, ARN or alias') }, async (request) =>
    getKey(kms, request.params.keyId),
  );
  app.delete('/keys/:keyId', { schema: routeSchema(r.scheduleKeyDeletion, 'keys', 'Schedule deletion (7–30 days)') }, async (request) =>
    scheduleKeyDeletion(kms, request.params.keyId, request.body?.pendingWindowInDays ?? request.query.pendingWindowInDays ?? 30),
  );
  app.post('/keys/:keyId/cancel-deletion', { schema: routeSchema(r.cancelKeyDeletion, 'keys', 'Cancel a scheduled deletion (the key stays Disabled)') }, async (request) =>
    cancelKeyDeletion(kms, request.params.keyId),
  );
};
