// HttpFlows: the flow engine over HTTP, and RapidPro's send message (a conversation use case).
import type { HttpHandlerOptions } from '#http/handler';
import { createConversationUseCases } from '#use-cases/conversations';
import { createFlowUseCases, type FlowUseCases } from '#use-cases/flows';
import { apiAdmission, attachmentsIfConfigured, useCaseContext } from './adapters';
import { flowEngineDependencies } from './flow-engine';
import { once } from './once';

export interface HttpFlowsWiring {
  flows: FlowUseCases;
  conversations: Pick<ReturnType<typeof createConversationUseCases>, 'sendMessage'>;
  admission: HttpHandlerOptions;
}

export const wireHttpFlows = once((): HttpFlowsWiring => ({
  // Listed messages answer attachments of the bucket as presigned GETs.
  flows: createFlowUseCases({ ...flowEngineDependencies(), ...attachmentsIfConfigured() }),
  conversations: createConversationUseCases(useCaseContext(attachmentsIfConfigured())),
  admission: apiAdmission(),
}));
