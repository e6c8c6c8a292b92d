// The closed-ticket trigger use cases (docs/triggers.md), wired once for all
// their users: HttpTriggers (the API), the flow engine (an import stores its
// export's triggers; channel messages start keyword triggers) and the
// closed-ticket consumer (closed-ticket-consumer.ts adds the FlowEngine function).
import { createFlowRepository } from '#adapters/dynamodb/flow-repository';
import { createTriggerRepository } from '#adapters/dynamodb/trigger-repository';
import { createTriggerUseCases } from '#use-cases/closed-ticket-triggers';
import { repositories, table, tableClient } from './adapters';
import { once } from './once';

export const flowRepository = once(() => createFlowRepository(tableClient()));

export const triggerStore = once(() => createTriggerRepository(table()));

/** The trigger use cases without the flow engine: listing and editing triggers, storing an export's. */
export const triggerUseCases = once(() => createTriggerUseCases({ triggers: triggerStore(), flows: flowRepository(), workspaces: repositories().workspaces }));

