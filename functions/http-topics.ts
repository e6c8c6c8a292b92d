// HttpTopics: list, create and rename topics.
import { useCases } from '#composition';
import { requireTopicManager } from '#http/access';
import { createHttpHandler } from '#http/handler';
import { created, ok } from '#http/response';
import { topicRoutes } from '#http/routes/topics';

export const handler = createHttpHandler('resource', topicRoutes, {
  listTopics: async ({ actor }) => ok({ results: await useCases.listTopics({ actor }) }),

  createTopic: async ({ actor, identity, body }) => {
    requireTopicManager(identity);
    return created(await useCases.createTopic({ actor, name: body.name }));
  },

  renameTopic: async ({ actor, identity, params, body }) => {
    requireTopicManager(identity);
    return ok(await useCases.renameTopic({ actor, topic: params.topic, name: body.name }));
  },
});
