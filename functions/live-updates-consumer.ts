// LiveUpdatesConsumer: SQS FIFO consumer of the fan-out's live-updates queue
// (ticket, message and folder-count records of the table stream, read by
// shared/adapters/dynamodb/stream-record.ts). Each batch is turned into the
// events of docs/live-updates.md and posted, one publish per workspace and
// batch, to the connections of each workspace that may see them. A workspace
// whose reads fail has its messages reported failed (ReportBatchItemFailures)
// and redelivered; a redelivery may repeat an event, which clients tell by its
// version or uuid. A malformed record is reported alone.
// What it does with a batch: functions/handlers/live-updates-consumer.ts.
import { observed } from '#adapters/observability/handler';
import { createLiveUpdatesHandler } from './handlers/live-updates-consumer';
import { wireLiveUpdatesConsumer } from '#wiring/live-updates-consumer';

export const handler = observed(createLiveUpdatesHandler(wireLiveUpdatesConsumer()));
