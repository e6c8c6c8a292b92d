// HttpTopics: list, create and rename topics (who may: the routes' permissions).
import { useCases } from '#composition';
import { workspaceRateLimit } from '#http/admission';
import { createHttpHandler } from '#http/handler';
import { created, ok } from '#http/response';
import { topicRoutes } from '#http/routes/topics';

export const handler = createHttpHandler('resource', topicRoutes, {
  listTopics: async ({ actor }) => ok({ results: await useCases.listTopics({ actor }) }),

  createTopic: async ({ actor, body }) => created(await useCases.createTopic({ actor, name: body.name })),

  renameTopic: async ({ actor, params, body }) => ok(await useCases.renameTopic({ actor, topic: params.topic, name: body.name })),
}, workspaceRateLimit);
