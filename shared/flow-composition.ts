// The flow engine service wired to DynamoDB and to the TicketCommand function,
// created once per Lambda container (functions/flow-engine.ts and
// functions/http-flows.ts). Endpoints come only from the SDK's standard
// AWS_ENDPOINT_URL_* variables.
import { LambdaClient } from '@aws-sdk/client-lambda';
import { z } from 'zod';
import { createFlowRepository } from '#adapters/dynamodb/flow-repository';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { createTableClient } from '#adapters/dynamodb/table-client';
import { createTriggerRepository } from '#adapters/dynamodb/trigger-repository';
import { createTicketCommandClient } from '#adapters/lambda/ticket-command-client';
import { documentClient } from '#composition';
import { config } from '#config';
import { createTriggerUseCases } from '#use-cases/closed-ticket-triggers';
import { createFlowUseCases, type FlowUseCases } from '#use-cases/flows';

const flowEnvironment = z.object({
  TICKET_COMMAND_FUNCTION_NAME: z
    .string({ error: 'TICKET_COMMAND_FUNCTION_NAME is not set: the name of the TicketCommand function the open_ticket action invokes.' })
    .min(1, 'TICKET_COMMAND_FUNCTION_NAME is empty.'),
});

function readFlowEnvironment(env: NodeJS.ProcessEnv) {
  const parsed = flowEnvironment.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid environment: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  return parsed.data;
}

const { TICKET_COMMAND_FUNCTION_NAME } = readFlowEnvironment(process.env);

const repos = createDynamoDbRepositories({ client: documentClient, tableName: config.TABLE_NAME });
const flowRepository = createFlowRepository(createTableClient({ client: documentClient, tableName: config.TABLE_NAME }));

export const flowUseCases: FlowUseCases = createFlowUseCases({
  repos,
  flows: flowRepository,
  ticketCommand: createTicketCommandClient({ client: new LambdaClient({}), functionName: TICKET_COMMAND_FUNCTION_NAME }),
  // Imports store the closed-ticket triggers of an export (docs/triggers.md).
  triggers: createTriggerUseCases({
    triggers: createTriggerRepository({ client: documentClient, tableName: config.TABLE_NAME }),
    flows: flowRepository,
    workspaces: repos.workspaces,
  }),
});
