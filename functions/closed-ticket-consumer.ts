// SQS FIFO consumer of ticket closes (table stream → closed-tickets pipe →
// closed-tickets queue, docs/triggers.md): starts the flow of the matching
// closed-ticket trigger through the FlowEngine function. Each message body is
// one stream record whose old image is an open ticket and new image a closed
// one (shared/adapters/dynamodb/stream-record.ts). A close that fails (the
// engine unreachable or failing) is reported on its own, holding back only its
// ticket's later records (ReportBatchItemFailures, shared/adapters/sqs/fifo-batch.ts);
// the queue redelivers it and, after its maxReceiveCount, parks it in the
// dead-letter queue with its full record.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ticketCloseOf } from '#adapters/dynamodb/stream-record';
import { observed } from '#adapters/observability/handler';
import { logger } from '#adapters/observability/logger';
import { processFifoBatch } from '#adapters/sqs/fifo-batch';
import type { TriggerUseCases } from '#use-cases/closed-ticket-triggers';
import { wireClosedTicketConsumer } from '#wiring/closed-ticket-consumer';

/** The handler over given use cases (tests pass their own flow engine). */
export function createClosedTicketHandler(triggers: Pick<TriggerUseCases, 'handleClose'>) {
  return (event: SQSEvent): Promise<SQSBatchResponse> =>
    processFifoBatch(
      event,
      async (record) => {
        const close = ticketCloseOf(record.body);
        if (!close) return;
        const result = await triggers.handleClose(close);
        const details = { messageId: record.messageId, workspace: close.workspace, ticket: close.ticket, version: close.version, ...result };
        if (result.outcome === 'refused') logger.warn('closed-ticket trigger not started: the flow engine refused', details);
        else logger.info(`closed ticket handled: ${result.outcome}`, details);
      },
      { logFailure: (record, error) => logger.error('close not handled; the queue will redeliver it', { messageId: record.messageId, error }) },
    );
}

// Wired on the first event: tests load this module without a Lambda environment.
export const handler = observed((event: SQSEvent) => createClosedTicketHandler(wireClosedTicketConsumer())(event));
