// Messages in and out, in their contact's partition
// (`WS#w#CONTACT#c` / `MSG#<created_on>#<uuid>`: newest first is a backwards
// Query), and the location item of an outgoing message (`WS#w#MSGREF#<uuid>`),
// written when it is handed to a gateway, by which status callbacks find it.
import type { MessageLocation, StoredOutgoingMessage } from '#use-cases/channel-ports';
import type { MessageRecord } from '#use-cases/flow-ports';
import * as z from 'zod';
import { epochSeconds, type StoredItem } from '../attributes';
import { ITEM_TYPE, workspacePk, type TableKey } from '../keys';
import { TTL_ATTRIBUTE } from '../table';
import type { Item } from '../table-client';
import { contactKeys } from './contact';

export const MESSAGE_SK_PREFIX = 'MSG#';

/** Message locations outlive any delivery report a gateway would still send (90 days). */
export const MESSAGE_REF_TTL_SECONDS = 90 * 24 * 3600;

export const messageKeys = {
  /** Messages sort by creation time (then uuid). */
  message: (workspace: string, contact: string, createdOn: string, uuid: string): TableKey => ({
    pk: contactKeys.partition(workspace, contact),
    sk: `${MESSAGE_SK_PREFIX}${createdOn}#${uuid}`,
  }),
  /** Where an outgoing message is stored, by its uuid. */
  ref: (workspace: string, msg: string): TableKey => ({ pk: `${workspacePk(workspace)}#MSGREF#${msg}`, sk: 'MSGREF' }),
};

/** `type` is the item type on every item, so the message's own type is stored as `msg_type`. */
export type MessageItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.message; msg_type: MessageRecord['type']; workspace: string } & Omit<MessageRecord, 'type'>>;
export type MessageRefItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.messageRef; [TTL_ATTRIBUTE]: number } & MessageLocation>;

export function toMessageItem(workspace: string, message: MessageRecord): MessageItem {
  const { type: msgType, ...rest } = message;
  return { ...messageKeys.message(workspace, message.contact, message.created_on, message.uuid), ...rest, type: ITEM_TYPE.message, msg_type: msgType, workspace };
}

export function fromMessageItem(item: Item): MessageRecord {
  return {
    uuid: String(item.uuid),
    contact: String(item.contact),
    direction: item.direction as MessageRecord['direction'],
    type: 'text',
    status: item.status as MessageRecord['status'],
    text: String(item.text ?? ''),
    attachments: (item.attachments as string[] | undefined) ?? [],
    urn: (item.urn as string | null | undefined) ?? null,
    flow: (item.flow as MessageRecord['flow'] | undefined) ?? null,
    created_on: String(item.created_on),
    modified_on: String(item.modified_on),
    // Messages stored before these existed have none of them.
    ...(item.origin ? { origin: item.origin as MessageRecord['origin'] } : {}),
    ...(item.channel !== undefined ? { channel: (item.channel as MessageRecord['channel']) ?? null } : {}),
    ...(item.ticket_uuid !== undefined ? { ticket_uuid: (item.ticket_uuid as string | null) ?? null } : {}),
    ...(item.user_uuid !== undefined ? { user_uuid: (item.user_uuid as string | null) ?? null } : {}),
    ...(Array.isArray(item.quick_replies) ? { quick_replies: item.quick_replies as string[] } : {}),
    ...(item.external_id !== undefined ? { external_id: (item.external_id as string | null) ?? null } : {}),
    ...(item.attempts !== undefined ? { attempts: Number(item.attempts) } : {}),
    ...(item.failed_reason !== undefined ? { failed_reason: (item.failed_reason as string | null) ?? null } : {}),
  };
}

/** A stored message as delivery reads it, with the delivery fields' defaults for messages stored before they existed. */
export function fromOutgoingMessageItem(item: Item): StoredOutgoingMessage {
  return { channel: null, quick_replies: [], external_id: null, attempts: 0, failed_reason: null, ...fromMessageItem(item), workspace: String(item.workspace) };
}

export function toMessageRefItem(location: MessageLocation): MessageRefItem {
  return {
    ...messageKeys.ref(location.workspace, location.uuid),
    type: ITEM_TYPE.messageRef,
    workspace: location.workspace,
    contact: location.contact,
    created_on: location.created_on,
    uuid: location.uuid,
    [TTL_ATTRIBUTE]: epochSeconds(location.created_on) + MESSAGE_REF_TTL_SECONDS,
    ...(location.sent_through ? { sent_through: location.sent_through } : {}),
  };
}

/** `workspace`: the workspace the ref was read in (its key). */
export function fromMessageRefItem(workspace: string, item: Item): MessageLocation {
  return {
    workspace,
    contact: String(item.contact),
    created_on: String(item.created_on),
    uuid: String(item.uuid),
    ...(typeof item.sent_through === 'string' ? { sent_through: item.sent_through } : {}),
  };
}

// Stream images: the attributes a queue consumer relies on, checked, because a
// queued stream record is input from outside the process (a redrive from a
// dead-letter queue, a message sent by hand). An image that fails its schema
// makes its message a poison message (shared/adapters/dynamodb/stream-record.ts).

/** Where a message item (toMessageItem) is stored: what the delivery consumer loads it by. */
export const messageLocationImage = z.object({
  type: z.literal(ITEM_TYPE.message),
  direction: z.enum(['in', 'out']),
  workspace: z.string().min(1),
  contact: z.string().min(1),
  created_on: z.string().min(1),
  uuid: z.string().min(1),
});
