// The closed-ticket trigger use cases (docs/triggers.md), wired once for all
// their users: HttpTriggers (the API), the flow engine (an import stores its
// export's triggers; channel messages start keyword triggers) and the
// closed-ticket consumer (which starts flows through the FlowEngine function).
import { createFlowRepository } from '#adapters/dynamodb/flow-repository';
import { createTriggerRepository } from '#adapters/dynamodb/trigger-repository';
import { createFlowEngineClient } from '#adapters/lambda/flow-engine-client';
import { config, requiredSetting } from '#config';
import { createTriggerUseCases } from '#use-cases/closed-ticket-triggers';
import { repositories, table, tableClient } from './adapters';
import { lambdaClient } from './aws-clients';
import { once } from './once';

export const flowRepository = once(() => createFlowRepository(tableClient()));

export const triggerStore = once(() => createTriggerRepository(table()));

/** The trigger use cases without the flow engine: listing and editing triggers, storing an export's. */
export const triggerUseCases = once(() => createTriggerUseCases({ triggers: triggerStore(), flows: flowRepository(), workspaces: repositories().workspaces }));

/** The trigger use cases that also start flows on a close (through the FlowEngine function). */
export const closedTicketTriggers = once(() =>
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
