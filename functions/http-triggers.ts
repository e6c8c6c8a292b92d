// HttpTriggers: the workspace's closed-ticket triggers (docs/triggers.md).
import { createHttpHandler, type HttpHandlerOptions } from '#http/handler';
import { created, noContent, ok } from '#http/response';
import { triggerRoutes } from '#http/routes/triggers';
import type { TriggerUseCases } from '#use-cases/closed-ticket-triggers';
import { wireHttpTriggers } from '#wiring/http-triggers';

export const createTriggersHandler = (triggers: TriggerUseCases, options: HttpHandlerOptions) => createHttpHandler('resource', triggerRoutes, {
  listGroups: async ({ actor }) => ok({ results: await triggers.listGroups({ actor }) }),
  listTriggers: async ({ actor }) => ok({ results: await triggers.listTriggers({ actor }) }),
  createTrigger: async ({ actor, body }) => created(await triggers.createTrigger({ actor, input: body })),
  updateTrigger: async ({ actor, params, body }) => ok(await triggers.updateTrigger({ actor, trigger: params.trigger, input: body })),
  deleteTrigger: async ({ actor, params }) => {
    await triggers.deleteTrigger({ actor, trigger: params.trigger });
    return noContent();
  },
}, options);

const { useCases, admission } = wireHttpTriggers();
export const handler = createTriggersHandler(useCases, admission);
