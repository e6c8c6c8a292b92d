// How the queue consumers work through a batch from a FIFO queue, with
// Powertools Batch's SqsFifoPartialProcessorAsync: records one at a time in
// queue order; once a record of a message group (a ticket, a contact) fails,
// the group's later records are not attempted but reported failed too
// (skipGroupOnError), so that the queue redelivers them in order, and other
// groups go on. Failures are reported one by one (ReportBatchItemFailures),
// never by throwing: a batch whose every record failed is a partial answer
// like any other, so its records get their retry delay too.
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '#adapters/observability/logger';
import { delayFailedMessages, type MessageVisibility } from './retry-visibility';

export interface FifoBatchOptions {
  /** Logs a record that failed, or was held back behind its group's failed record. */
  logFailure(record: SQSRecord, error: Error): void;
  /** When failed records come back: the delay (seconds) of each failed group, from its first failed record; null or absent: the queue's visibility timeout. */
  retry?: { visibility: MessageVisibility; delayOf(first: SQSRecord): number | null };
}

/** Runs `handle` per record as described above and answers the batch's failures. */
export async function processFifoBatch(event: SQSEvent, handle: (record: SQSRecord) => Promise<void>, options: FifoBatchOptions): Promise<SQSBatchResponse> {
  // One processor per invocation: it holds the batch's state, and invocations may run side by side in one process (tests, the local stack).
  const processor = new SqsFifoPartialProcessorAsync();
  const response = await processPartialResponse(event, handle, processor, { skipGroupOnError: true, throwOnFullBatchFailure: false });
  const failed = processor.failureMessages as SQSRecord[];
  failed.forEach((record, index) => options.logFailure(record, processor.errors[index]!));
  if (options.retry && failed.length) {
    await delayFailedMessages(options.retry.visibility, failed, options.retry.delayOf, (message, details) => logger.warn(message, details));
  }
  return response;
}
