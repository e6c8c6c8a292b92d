// SQS FIFO consumer of ticket stream records (table stream → pipe → queue):
// keeps the folder counts. Each message body is one DynamoDB stream record
// (shared/adapters/dynamodb/stream-record.ts); records are applied in queue
// order, a failed one holding back its ticket's later ones
// (shared/adapters/sqs/fifo-batch.ts). Failed messages are reported one by one
// (ReportBatchItemFailures) and come back after a backoff of 1, 2, 4, 8 s (not
// the queue's 180 s visibility timeout), so that the counts catch up within
// seconds once storage answers again; applying a record twice is harmless
// (the APPLIED#eventID guard). After the queue's maxReceiveCount (about 15
// minutes of failing) a message lands in its dead-letter queue.
// What it does with a batch: functions/handlers/ticket-events-consumer.ts.
import { observed } from '#adapters/observability/handler';
import { createTicketEventsHandler } from './handlers/ticket-events-consumer';
import { wireTicketEventsConsumer } from '#wiring/ticket-events-consumer';

const { counts, visibility } = wireTicketEventsConsumer();
export const handler = observed(createTicketEventsHandler(counts, visibility));
