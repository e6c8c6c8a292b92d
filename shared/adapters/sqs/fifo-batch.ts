// How the queue consumers work through a batch from a FIFO queue, with
// Powertools Batch's SqsFifoPartialProcessorAsync: within a message group (a
// ticket, a contact) records are handled one at a time in queue order; once
// one fails, the group's later records are not attempted but reported failed
// too (skipGroupOnError), so that the queue redelivers them in order. The
// groups go side by side, one processor each: Powertools handles a whole
// batch one record at a time, which made a batch of 10 records of 10 tickets
// about 3× slower when a write takes 10 ms (bench/counts-batch.ts,
// docs/architecture.md "Queue consumers"). Failures are reported one by one
// (ReportBatchItemFailures), never by throwing: a batch whose every record
// failed is a partial answer like any other, so its records get their retry
// delay too.
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '#adapters/observability/logger';
import { delayFailedMessages, groupOf, type MessageVisibility } from './retry-visibility';

export interface FifoBatchOptions {
  /** Logs a record that failed, or was held back behind its group's failed record. */
  logFailure(record: SQSRecord, error: Error): void;
  /** When failed records come back: the delay (seconds) of each failed group, from its first failed record; null or absent: the queue's visibility timeout. */
  retry?: { visibility: MessageVisibility; delayOf(first: SQSRecord): number | null };
}

/** Runs `handle` per record as described above and answers the batch's failures (in batch order). */
export async function processFifoBatch(event: SQSEvent, handle: (record: SQSRecord) => Promise<void>, options: FifoBatchOptions): Promise<SQSBatchResponse> {
  const groups = new Map<string, SQSRecord[]>();
  for (const record of event.Records) groups.set(groupOf(record), [...(groups.get(groupOf(record)) ?? []), record]);
  const failures: { record: SQSRecord; error: Error }[] = [];
  await Promise.all(
    [...groups.values()].map(async (Records) => {
      // A processor holds its batch's state: one per group and invocation.
      const processor = new SqsFifoPartialProcessorAsync();
      await processPartialResponse({ Records }, handle, processor, { skipGroupOnError: true, throwOnFullBatchFailure: false });
      processor.failureMessages.forEach((record, index) => failures.push({ record: record as SQSRecord, error: processor.errors[index]! }));
    }),
  );
  const order = new Map(event.Records.map((record, index) => [record.messageId, index]));
  const failed = failures.sort((a, b) => order.get(a.record.messageId)! - order.get(b.record.messageId)!);
  for (const { record, error } of failed) options.logFailure(record, error);
  if (options.retry && failed.length) {
    const records = failed.map(({ record }) => record);
    await delayFailedMessages(options.retry.visibility, records, options.retry.delayOf, (message, details) => logger.warn(message, details));
  }
  return { batchItemFailures: failed.map(({ record }) => ({ itemIdentifier: record.messageId })) };
}
