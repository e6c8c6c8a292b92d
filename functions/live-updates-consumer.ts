// LiveUpdatesConsumer: SQS FIFO consumer of the fan-out's live-updates queue
// (ticket, message and folder-count records of the table stream). Each batch
// is turned into the events of docs/live-updates.md and posted to the
// connections of each workspace that may see them. A workspace whose reads
// fail has its messages reported failed (ReportBatchItemFailures) and
// redelivered; a redelivery may repeat an event, which clients tell by its
// version or uuid.
import { logger } from '#adapters/observability/logger';
import { observed } from '#adapters/observability/handler';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { liveChangeFromMessageBody } from '#adapters/dynamodb/stream-record';
import type { LiveChange, LiveUseCases } from '#use-cases/live';
import { liveUseCases } from '../shared/live-composition';

/** The handler over given use cases (tests inject posters and failures). */
export function createLiveUpdatesHandler(live: Pick<LiveUseCases, 'publish'>) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failed: string[] = [];
    // Workspaces in the order their first record came; each workspace's changes in queue order.
    const byWorkspace = new Map<string, { ids: string[]; changes: LiveChange[] }>();
    for (const record of event.Records) {
      let parsed: ReturnType<typeof liveChangeFromMessageBody>;
      try {
        parsed = liveChangeFromMessageBody(record.body);
      } catch (error) {
        // A malformed record never becomes valid: report it (after maxReceiveCount it is parked in the DLQ).
        logger.error('unreadable stream record', { messageId: record.messageId, error });
        failed.push(record.messageId);
        continue;
      }
      if (!parsed) continue;
      const entry = byWorkspace.get(parsed.workspace) ?? { ids: [], changes: [] };
      entry.ids.push(record.messageId);
      entry.changes.push(parsed.change);
      byWorkspace.set(parsed.workspace, entry);
    }
    await Promise.all(
      [...byWorkspace].map(async ([workspace, { ids, changes }]) => {
        try {
          await live.publish(workspace, changes);
        } catch (error) {
          logger.error('live updates not sent; the queue will redeliver them', { workspace, error });
          failed.push(...ids);
        }
      }),
    );
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

export const handler = observed(createLiveUpdatesHandler(liveUseCases));
