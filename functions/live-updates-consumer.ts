// LiveUpdatesConsumer: SQS FIFO consumer of the fan-out's live-updates queue
// (ticket, message and folder-count records of the table stream). Each batch
// is turned into the events of docs/live-updates.md and posted to the
// connections of each workspace that may see them. A workspace whose reads
// fail has its messages reported failed (ReportBatchItemFailures) and
// redelivered; a redelivery may repeat an event, which clients tell by its
// version or uuid.
import { Logger } from '@aws-lambda-powertools/logger';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { toMessage } from '#adapters/dynamodb/flow-repository';
import { toTicket } from '#adapters/dynamodb/items';
import { ITEM_TYPE } from '#adapters/dynamodb/keys';
import type { LiveChange, LiveUseCases } from '#use-cases/live';
import { liveUseCases } from '../shared/live-composition';

const logger = new Logger();

const recordSchema = z.object({
  eventName: z.enum(['INSERT', 'MODIFY', 'REMOVE']),
  dynamodb: z.object({
    Keys: z.object({ pk: z.object({ S: z.string().min(1) }) }),
    SequenceNumber: z.string().regex(/^\d+$/),
    NewImage: z.record(z.string(), z.unknown()).optional(),
    OldImage: z.record(z.string(), z.unknown()).optional(),
  }),
});

const COUNTS_PARTITION = /^WS#([^#]+)#COUNTS$/;

/** The live change a queued stream record reports, with its workspace; null when it changes nothing a client shows. Throws when malformed. */
export function liveChangeFromMessageBody(body: string): { workspace: string; change: LiveChange } | null {
  const record = recordSchema.parse(JSON.parse(body));
  const image = (raw: Record<string, unknown> | undefined) => (raw ? unmarshall(raw as Record<string, AttributeValue>) : null);
  const after = image(record.dynamodb.NewImage);
  const before = image(record.dynamodb.OldImage);
  if (!after) return null;
  if (after.type === ITEM_TYPE.ticket) {
    return { workspace: String(after.workspace), change: { kind: 'ticket', before: before?.type === ITEM_TYPE.ticket ? toTicket(before) : null, after: toTicket(after) } };
  }
  if (after.type === ITEM_TYPE.message) {
    const created = record.eventName === 'INSERT';
    // A message's other changes (delivery attempts, ids) are not shown: only its status and failure reason.
    if (!created && before && before.status === after.status && (before.failed_reason ?? null) === (after.failed_reason ?? null)) return null;
    return { workspace: String(after.workspace), change: { kind: 'msg', created, message: toMessage(after) } };
  }
  if (after.type === ITEM_TYPE.count) {
    const workspace = COUNTS_PARTITION.exec(record.dynamodb.Keys.pk.S)?.[1];
    return workspace ? { workspace, change: { kind: 'counts', sequence: record.dynamodb.SequenceNumber } } : null;
  }
  return null;
}

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

export const handler = createLiveUpdatesHandler(liveUseCases);
