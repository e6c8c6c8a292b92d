// DeliveryConsumer: SQS FIFO consumer of the deliveries queue (fan-out of the
// table's stream: msg INSERTs of outgoing messages; one message group per
// contact). Each message is delivered by the delivery use case; a send to
// retry has its queue message's visibility pushed out to the backoff and is
// reported failed (ReportBatchItemFailures) — its contact's later messages
// wait behind it in the FIFO group, which keeps their order. After
// DELIVERY_MAX_ATTEMPTS receives the queue's redrive policy parks it in the
// DLQ (docs/channels.md "Retries and redrive").
// What it does with a batch: functions/handlers/delivery-consumer.ts.
import { observed } from '#adapters/observability/handler';
import { createDeliveryHandler } from './handlers/delivery-consumer';
import { wireDeliveryConsumer } from '#wiring/delivery-consumer';

const { delivery, queue } = wireDeliveryConsumer();
export const handler = observed(createDeliveryHandler(delivery, queue));
