// The table's stream records as the pipes deliver them: one record, as JSON,
// per SQS message body. Both queue consumers read ticket images from them,
// each through a schema of the ticket attributes it needs; the live-updates
// consumer reads tickets, messages and counters (liveChangeFromMessageBody).
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { z } from 'zod';
import type { LiveChange } from '#use-cases/live';
import { fromMessageItem as toMessage } from './entities/message';
import { fromTicketItem } from './entities/ticket';
import { ITEM_TYPE } from './keys';

/** The parts of a stream record the consumers read; the images stay in DynamoDB JSON until they are known to be tickets. */
const streamRecordSchema = z.object({
  eventID: z.string().min(1),
  eventName: z.enum(['INSERT', 'MODIFY', 'REMOVE']),
  dynamodb: z.object({
    NewImage: z.record(z.string(), z.unknown()).optional(),
    OldImage: z.record(z.string(), z.unknown()).optional(),
  }),
});

export interface TicketStreamRecord<Image> {
  eventId: string;
  /** The ticket before and after the change; null when that image is absent or not a ticket item. */
  before: Image | null;
  after: Image | null;
}

/** Reads a message body; throws (a poison message, for the DLQ) when the record or a ticket image is malformed. */
export function readTicketStreamRecord<Image>(body: string, ticketImage: z.ZodType<Image>): TicketStreamRecord<Image> {
  const record = streamRecordSchema.parse(JSON.parse(body));
  const read = (image: Record<string, unknown> | undefined): Image | null => {
    if (!image) return null;
    const item = unmarshall(image as Record<string, AttributeValue>);
    return item.type === ITEM_TYPE.ticket ? ticketImage.parse(item) : null;
  };
  return { eventId: record.eventID, before: read(record.dynamodb.OldImage), after: read(record.dynamodb.NewImage) };
}

export interface StreamRecordImages {
  eventId: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  /** The item's table key. */
  keys: { pk: string; sk: string };
  /** The item after the change (plain values), null for a REMOVE. */
  newImage: Record<string, unknown> | null;
}

const keyedRecordSchema = streamRecordSchema.extend({
  dynamodb: streamRecordSchema.shape.dynamodb.extend({
    Keys: z.object({ pk: z.object({ S: z.string().min(1) }), sk: z.object({ S: z.string().min(1) }) }),
  }),
});

/** Reads a message body of any item type; throws (a poison message, for the DLQ) when it is not a stream record. */
export function readStreamRecord(body: string): StreamRecordImages {
  const record = keyedRecordSchema.parse(JSON.parse(body));
  const image = record.dynamodb.NewImage;
  return {
    eventId: record.eventID,
    eventName: record.eventName,
    keys: { pk: record.dynamodb.Keys.pk.S, sk: record.dynamodb.Keys.sk.S },
    newImage: image ? unmarshall(image as Record<string, AttributeValue>) : null,
  };
}

/** What the live-updates consumer reads of a record: its kind, the pk (a counter's workspace) and the sequence number (counts_changed's version). */
const liveRecordSchema = z.object({
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
  const record = liveRecordSchema.parse(JSON.parse(body));
  const image = (raw: Record<string, unknown> | undefined) => (raw ? unmarshall(raw as Record<string, AttributeValue>) : null);
  const after = image(record.dynamodb.NewImage);
  const before = image(record.dynamodb.OldImage);
  if (!after) return null;
  if (after.type === ITEM_TYPE.ticket) {
    return { workspace: String(after.workspace), change: { kind: 'ticket', before: before?.type === ITEM_TYPE.ticket ? fromTicketItem(before) : null, after: fromTicketItem(after) } };
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
