// HttpTopics: list, create and rename topics (who may: the routes' permissions).
import { createHttpHandler, type HttpHandlerOptions } from '#http/handler';
import { created, ok } from '#http/response';
import { topicRoutes } from '#http/routes/topics';
import { wireHttpTopics, type HttpTopicsUseCases } from '#wiring/http-topics';

export function createTopicsHandler(useCases: HttpTopicsUseCases, options: HttpHandlerOptions) {
  return createHttpHandler('resource', topicRoutes, {
    listTopics: async ({ actor }) => ok({ results: await useCases.listTopics({ actor }) }),

    createTopic: async ({ actor, body }) => created(await useCases.createTopic({ actor, name: body.name })),

    renameTopic: async ({ actor, params, body }) => ok(await useCases.renameTopic({ actor, topic: params.topic, name: body.name })),
  }, options);
}

const { useCases, admission } = wireHttpTopics();
export const handler = createTopicsHandler(useCases, admission);
