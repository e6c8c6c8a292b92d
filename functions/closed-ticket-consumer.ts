// SQS FIFO consumer of ticket closes (table stream → closed-tickets pipe →
// closed-tickets queue, docs/triggers.md): starts the flow of the matching
// closed-ticket trigger through the FlowEngine function. Each message body is
// one stream record whose old image is an open ticket and new image a closed
// one. A close that fails (the engine unreachable or failing) is reported on
// its own (ReportBatchItemFailures); the queue redelivers it and, after its
// maxReceiveCount, parks it in the dead-letter queue with its full record.
import { logger } from '#adapters/observability/logger';
import { observed } from '#adapters/observability/handler';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { createFlowRepository } from '#adapters/dynamodb/flow-repository';
import { ITEM_TYPE } from '#adapters/dynamodb/keys';
import { readTicketStreamRecord } from '#adapters/dynamodb/stream-record';
import { createTableClient } from '#adapters/dynamodb/table-client';
import { createTriggerRepository } from '#adapters/dynamodb/trigger-repository';
import { createFlowEngineClient } from '#adapters/lambda/flow-engine-client';
import { createTriggerUseCases, type TicketClose, type TriggerUseCases } from '#use-cases/closed-ticket-triggers';
import { processInGroupOrder } from '#use-cases/fifo-batch';
import { traced } from '#adapters/observability/tracer';

/** The attributes of a ticket item (shared/adapters/dynamodb/items.ts) a close needs. */
const ticketImageSchema = z.object({
  type: z.literal(ITEM_TYPE.ticket),
  workspace: z.string().min(1),
  uuid: z.string().min(1),
  status: z.enum(['open', 'closed']),
  contact_uuid: z.string().min(1),
  topic_uuid: z.string().min(1),
  assignee_uuid: z.string().min(1).nullish(),
  closed_on: z.string().nullish(),
  modified_on: z.string().nullish(),
  version: z.number().int(),
});

/**
 * The close a message reports; null when the record is not an open → closed
 * transition (the pipe filters those out; a message redriven from elsewhere
 * must not start anything either); throws when it is malformed.
 */
export function ticketCloseFromMessageBody(body: string): TicketClose | null {
  const { before, after } = readTicketStreamRecord(body, ticketImageSchema);
  if (before?.status !== 'open' || after?.status !== 'closed') return null;
  return {
    workspace: after.workspace,
    ticket: after.uuid,
    contact: after.contact_uuid,
    topic: after.topic_uuid,
    assignee: after.assignee_uuid ?? null,
    // Written by every close (shared/domain/ticket.ts); the modification time is the fallback of an older item.
    closed_on: after.closed_on ?? String(after.modified_on),
    version: after.version,
  };
}

/** The handler over given use cases (tests pass their own flow engine). */
export function createClosedTicketHandler(triggers: Pick<TriggerUseCases, 'handleClose'>) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const { failures } = await processInGroupOrder(
      event.Records.map((record) => ({ id: record.messageId, group: record.attributes.MessageGroupId ?? record.messageId, body: record.body })),
      async (message) => {
        const close = ticketCloseFromMessageBody(message.body);
        if (!close) return;
        const result = await triggers.handleClose(close);
        const details = { messageId: message.id, workspace: close.workspace, ticket: close.ticket, version: close.version, ...result };
        if (result.outcome === 'refused') logger.warn('closed-ticket trigger not started: the flow engine refused', details);
        else logger.info(`closed ticket handled: ${result.outcome}`, details);
      },
    );
    for (const failure of failures) {
      logger.error('close not handled; the queue will redeliver it', { messageId: failure.id, error: failure.error });
    }
    return { batchItemFailures: failures.map((failure) => ({ itemIdentifier: failure.id })) };
  };
}

/** The use cases wired to DynamoDB and the FlowEngine function, from the Lambda environment (shared/config.ts). */
async function triggersFromEnvironment(): Promise<TriggerUseCases> {
  // Read here, not at module scope: tests import the parsing above without a Lambda environment.
  const { config, requiredSetting } = await import('#config');
  const functionName = requiredSetting(config, 'FLOW_ENGINE_FUNCTION_NAME', 'the FlowEngine function that closes start flows with');
  const table = { client: traced(new DynamoDBClient({})), tableName: config.TABLE_NAME };
  return createTriggerUseCases({
    triggers: createTriggerRepository(table),
    flows: createFlowRepository(createTableClient(table)),
    workspaces: createDynamoDbRepositories(table).workspaces,
    engine: createFlowEngineClient({ client: traced(new LambdaClient({})), functionName }),
  });
}

// Wired on the first event, once per container.
let configured: Promise<ReturnType<typeof createClosedTicketHandler>> | undefined;

export const handler = observed(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  configured ??= triggersFromEnvironment().then(createClosedTicketHandler);
  return (await configured)(event);
});
