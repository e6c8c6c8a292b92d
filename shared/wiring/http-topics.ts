// HttpTopics: the topic use cases.
import type { HttpHandlerOptions } from '#http/handler';
import { createTopicUseCases } from '#use-cases/topics';
import { apiAdmission, useCaseContext } from './adapters';
import { once } from './once';

export type HttpTopicsUseCases = ReturnType<typeof createTopicUseCases>;

export const wireHttpTopics = once((): { useCases: HttpTopicsUseCases; admission: HttpHandlerOptions } => ({
  useCases: createTopicUseCases(useCaseContext()),
  admission: apiAdmission(),
}));
