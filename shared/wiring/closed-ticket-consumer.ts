// ClosedTicketConsumer: the trigger use cases that start flows on a close, through the FlowEngine function.
import { createFlowEngineClient } from '#adapters/lambda/flow-engine-client';
import { config, requiredSetting } from '#config';
import { createTriggerUseCases } from '#use-cases/closed-ticket-triggers';
import { repositories } from './adapters';
import { lambdaClient } from './aws-clients';
import { once } from './once';
import { flowRepository, triggerStore } from './triggers';

export const wireClosedTicketConsumer = once(() =>
  createTriggerUseCases({
    triggers: triggerStore(),
    flows: flowRepository(),
    workspaces: repositories().workspaces,
    engine: createFlowEngineClient({
      client: lambdaClient(),
      functionName: requiredSetting(config, 'FLOW_ENGINE_FUNCTION_NAME', 'the FlowEngine function that closes start flows with'),
    }),
  }),
);
