// LiveUpdatesConsumer's handler over given use cases: the batch's records read
// as live changes, grouped by workspace, and one publish per workspace and
// batch (not per record: hence no per-record batch processor here); the
// messages of a workspace whose publish fails, and any malformed record, are
// reported failed.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { liveChangeOf } from '#adapters/dynamodb/stream-record';
import { logger } from '#adapters/observability/logger';
import type { LiveChange, LiveUseCases } from '#use-cases/live';

/** The handler over given use cases (tests inject posters and failures). */
export function createLiveUpdatesHandler(live: Pick<LiveUseCases, 'publish'>) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failed: string[] = [];
    // Workspaces in the order their first record came; each workspace's changes in queue order.
    const byWorkspace = new Map<string, { ids: string[]; changes: LiveChange[] }>();
    for (const record of event.Records) {
      try {
        const parsed = liveChangeOf(record.body);
        if (!parsed) continue;
        let entry = byWorkspace.get(parsed.workspace);
        if (!entry) byWorkspace.set(parsed.workspace, (entry = { ids: [], changes: [] }));
        entry.ids.push(record.messageId);
        entry.changes.push(parsed.change);
      } catch (error) {
        // A malformed record never becomes valid: report it (after maxReceiveCount it is parked in the DLQ).
        logger.error('unreadable stream record', { messageId: record.messageId, error });
        failed.push(record.messageId);
      }
    }
    await Promise.all(
      [...byWorkspace].map(([workspace, { ids, changes }]) =>
        live.publish(workspace, changes).catch((error: unknown) => {
          logger.error('live updates not sent; the queue will redeliver them', { workspace, error });
          failed.push(...ids);
        }),
      ),
    );
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
