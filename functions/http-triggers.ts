// HttpTriggers: the workspace's closed-ticket triggers (docs/triggers.md).
import { createFlowRepository } from '#adapters/dynamodb/flow-repository';
import { createTableClient } from '#adapters/dynamodb/table-client';
import { createTriggerRepository } from '#adapters/dynamodb/trigger-repository';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { documentClient } from '#composition';
import { config } from '#config';
import { workspaceRateLimit } from '#http/admission';
import { createHttpHandler } from '#http/handler';
import { created, noContent, ok } from '#http/response';
import { triggerRoutes } from '#http/routes/triggers';
import { createTriggerUseCases } from '#use-cases/closed-ticket-triggers';

const table = { client: documentClient, tableName: config.TABLE_NAME };
const triggers = createTriggerUseCases({
  triggers: createTriggerRepository(table),
  flows: createFlowRepository(createTableClient(table)),
  workspaces: createDynamoDbRepositories(table).workspaces,
});

export const handler = createHttpHandler('resource', triggerRoutes, {
  listGroups: async ({ actor }) => ok({ results: await triggers.listGroups({ actor }) }),
  listTriggers: async ({ actor }) => ok({ results: await triggers.listTriggers({ actor }) }),
  createTrigger: async ({ actor, body }) => created(await triggers.createTrigger({ actor, input: body })),
  updateTrigger: async ({ actor, params, body }) => ok(await triggers.updateTrigger({ actor, trigger: params.trigger, input: body })),
  deleteTrigger: async ({ actor, params }) => {
    await triggers.deleteTrigger({ actor, trigger: params.trigger });
    return noContent();
  },
}, workspaceRateLimit);
