// What the TicketEventsConsumer function uses, built once per container: the
// counts use case over the table, and the queue's message visibility (the
// retry backoff).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createCountsRepository } from '#adapters/dynamodb/counts-repository';
import { traced } from '#adapters/observability/tracer';
import { sqsMessageVisibility } from '#adapters/sqs/retry-visibility';
import { config } from '#config';
import { createTicketCounts } from '#use-cases/ticket-counts';

export const ticketCounts = createTicketCounts({
  counts: createCountsRepository({ client: traced(new DynamoDBClient({})), tableName: config.TABLE_NAME }),
});

export const queueVisibility = sqsMessageVisibility(traced(new SQSClient({})));
