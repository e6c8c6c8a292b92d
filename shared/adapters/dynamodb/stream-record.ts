// The table's stream records as the consumers' queues deliver them: one record,
// as JSON, per SQS message body (table stream → pipe → StreamFanOut → SNS FIFO
// with raw delivery → SQS FIFO). Powertools Parser reads the body: its
// DynamoDB stream record schema checks the record's shape and unmarshalls its
// keys and images. What each consumer takes from a record is read here, its
// item images checked by the schemas of the entity modules (entities/ticket.ts, entities/message.ts). Every
// reader throws on a malformed record (a poison message, for the queue's DLQ)
// and returns null for a record its consumer has nothing to do with.
import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { DynamoDBStreamRecord } from '@aws-lambda-powertools/parser/schemas/dynamodb';
import * as z from 'zod';
import type { TicketCountImage } from '#domain/folder-counts';
import type { MessageLocation } from '#use-cases/channel-ports';
import type { TicketClose } from '#use-cases/closed-ticket-triggers';
import type { LiveChange } from '#use-cases/live';
import type { TicketChange } from '#use-cases/ticket-counts';
import { fromMessageItem, messageLocationImage } from './entities/message';
import { closedTicketImage, fromTicketItem, ticketCountsImage } from './entities/ticket';
import { ITEM_TYPE } from './keys';

/** A message body: the stream record as JSON (an eventID is its change's identity: the counts' applied-event guard is named after it). */
const queuedStreamRecord = JSONStringified(DynamoDBStreamRecord.extend({ eventID: z.string().min(1) }));

type StreamRecord = z.infer<typeof queuedStreamRecord>;
type Image = Record<string, unknown> | undefined;

/** Reads a message body into a stream record with plain keys and images; throws when it is not one. */
function readStreamRecord(body: string): StreamRecord {
  return queuedStreamRecord.parse(body);
}

/** The image when it is an item of `type`, checked by `schema`; null when absent or of another type. */
function imageOf<T>(image: Image, type: string, schema: z.ZodType<T>): T | null {
  return image?.type === type ? schema.parse(image) : null;
}

/** The ticket events consumer's input: the ticket's folder attributes before and after; null when the record is not about a ticket. */
export function ticketChangeOf(body: string): TicketChange | null {
  const { eventID, dynamodb } = readStreamRecord(body);
  const before = imageOf(dynamodb.OldImage, ITEM_TYPE.ticket, ticketCountsImage);
  const after = imageOf(dynamodb.NewImage, ITEM_TYPE.ticket, ticketCountsImage);
  const workspace = (after ?? before)?.workspace;
  if (!workspace) return null;
  const countImage = (image: typeof before): TicketCountImage | null =>
    image && { status: image.status, topic_uuid: image.topic_uuid, assignee_uuid: image.assignee_uuid ?? null };
  return { eventId: eventID, workspace, before: countImage(before), after: countImage(after) };
}

/**
 * The closed-ticket consumer's input; null when the record is not an open →
 * closed transition (the pipe filters those out; a message redriven from
 * elsewhere must not start anything either).
 */
export function ticketCloseOf(body: string): TicketClose | null {
  const { dynamodb } = readStreamRecord(body);
  const before = imageOf(dynamodb.OldImage, ITEM_TYPE.ticket, closedTicketImage);
  const after = imageOf(dynamodb.NewImage, ITEM_TYPE.ticket, closedTicketImage);
  if (before?.status !== 'open' || after?.status !== 'closed') return null;
  return {
    workspace: after.workspace,
    ticket: after.uuid,
    contact: after.contact_uuid,
    topic: after.topic_uuid,
    assignee: after.assignee_uuid ?? null,
    // Written by every close (shared/domain/ticket.ts); the modification time is the fallback of an older item.
    closed_on: after.closed_on ?? String(after.modified_on),
    version: after.version,
  };
}

/** The delivery consumer's input: where the outgoing message of an INSERT is stored; null for any other record. */
export function messageLocationOf(body: string): MessageLocation | null {
  const { eventName, dynamodb } = readStreamRecord(body);
  if (eventName !== 'INSERT') return null;
  const message = imageOf(dynamodb.NewImage, ITEM_TYPE.message, messageLocationImage);
  if (message?.direction !== 'out') return null;
  return { workspace: message.workspace, contact: message.contact, created_on: message.created_on, uuid: message.uuid };
}

const COUNTS_PARTITION = /^WS#([^#]+)#COUNTS$/;
/** counts_changed's version: the stream's sequence number, a decimal string beyond Number's precision. */
const sequenceNumber = z.string().regex(/^\d+$/);

/** The live-updates consumer's input, with its workspace; null when the record changes nothing a client shows. */
export function liveChangeOf(body: string): { workspace: string; change: LiveChange } | null {
  const { eventName, dynamodb } = readStreamRecord(body);
  const after = dynamodb.NewImage;
  const before: Image = dynamodb.OldImage;
  if (!after) return null;
  if (after.type === ITEM_TYPE.ticket) {
    return { workspace: String(after.workspace), change: { kind: 'ticket', before: before?.type === ITEM_TYPE.ticket ? fromTicketItem(before) : null, after: fromTicketItem(after) } };
  }
  if (after.type === ITEM_TYPE.message) {
    const created = eventName === 'INSERT';
    // A message's other changes (delivery attempts, ids) are not shown: only its status and failure reason.
    if (!created && before && before.status === after.status && (before.failed_reason ?? null) === (after.failed_reason ?? null)) return null;
    return { workspace: String(after.workspace), change: { kind: 'msg', created, message: fromMessageItem(after) } };
  }
  if (after.type === ITEM_TYPE.count) {
    const workspace = COUNTS_PARTITION.exec(String(dynamodb.Keys.pk))?.[1];
    return workspace ? { workspace, change: { kind: 'counts', sequence: sequenceNumber.parse('SequenceNumber' in dynamodb ? dynamodb.SequenceNumber : undefined) } } : null;
  }
  return null;
}
