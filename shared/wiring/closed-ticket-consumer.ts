// What the ClosedTicketConsumer function uses: the closed-ticket trigger use
// cases over the table and the FlowEngine function, from the Lambda
// environment (shared/config.ts). Built on the first event, once per
// container: the environment is read then, not when the function module is
// loaded (tests load it without a Lambda environment).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createFlowRepository } from '#adapters/dynamodb/flow-repository';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { createTableClient } from '#adapters/dynamodb/table-client';
import { createTriggerRepository } from '#adapters/dynamodb/trigger-repository';
import { createFlowEngineClient } from '#adapters/lambda/flow-engine-client';
import { traced } from '#adapters/observability/tracer';
import { createTriggerUseCases, type TriggerUseCases } from '#use-cases/closed-ticket-triggers';

let wired: Promise<TriggerUseCases> | undefined;

export function closedTicketTriggers(): Promise<TriggerUseCases> {
  wired ??= (async () => {
    const { config, requiredSetting } = await import('#config');
    const functionName = requiredSetting(config, 'FLOW_ENGINE_FUNCTION_NAME', 'the FlowEngine function that closes start flows with');
    const table = { client: traced(new DynamoDBClient({})), tableName: config.TABLE_NAME };
    return createTriggerUseCases({
      triggers: createTriggerRepository(table),
      flows: createFlowRepository(createTableClient(table)),
      workspaces: createDynamoDbRepositories(table).workspaces,
      engine: createFlowEngineClient({ client: traced(new LambdaClient({})), functionName }),
    });
  })();
  return wired;
}
