// Conversations (docs/architecture.md, "Single table": contact_urn,
// channel_msg, msg items): a contact found by its URN, an inbound channel
// message stored once per (channel, external id), agents' replies written in
// one transaction with their ticket, and a ticket's conversation — the
// contact's messages merged with the ticket's history — paged by one cursor.
import { ConflictError } from '#domain/errors';
import type { Ticket } from '#domain/ticket';
import { StaleWriteError, type ConversationEntry, type ConversationRepository } from '#use-cases/ports';
import { contactSaveWrite } from './contact-repository';
import { decodeCursor, encodeCursor, timeOrderedKeyPattern, type CursorShape } from './cursor';
import { channelMessageKeys, fromChannelMessageItem, toChannelMessageItem, type ChannelMessageGuard } from './entities/channel-message';
import { contactKeys, fromContactUrnItem, toContactUrnItem } from './entities/contact';
import { fromMessageItem, MESSAGE_SK_PREFIX, toMessageItem } from './entities/message';
import { fromTicketEventItem, TICKET_EVENT_SK_PREFIX, ticketKeys, toTicketEventItem, toTicketItem } from './entities/ticket';
import { ITEM_TYPE } from './keys';
import { TransactionRefused, type Item, type LabelledWrite, type TableClient } from './table-client';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** Upper bounds of the two streams before anything was read: above every real sort key. */
const LAST_MESSAGE_KEY = `${MESSAGE_SK_PREFIX}9999-12-31T23:59:59.999999Z#ffffffff-ffff-ffff-ffff-ffffffffffff`;
const LAST_EVENT_KEY = `${TICKET_EVENT_SK_PREFIX}ffffffff-ffff-ffff-ffff-ffffffffffff`;
/** A conversation cursor: the sort key of the last message and of the last event handed out (or the bounds above). */
const CONVERSATION_CURSOR: CursorShape = { m: timeOrderedKeyPattern(MESSAGE_SK_PREFIX), e: new RegExp(`^${TICKET_EVENT_SK_PREFIX}${UUID}$`) };

/** The guard of an inbound channel message, in the message's transaction (label `channel_msg`). */
export function channelMessageGuardWrite(workspace: string, guard: ChannelMessageGuard): LabelledWrite {
  return { label: 'channel_msg', write: { Put: { Item: toChannelMessageItem(workspace, guard, new Date()), ConditionExpression: 'attribute_not_exists(pk)' } } };
}

/** The ticket as changed, stored only over the version it was decided on (label `ticket`). */
export function ticketVersionedPut(ticket: Ticket): LabelledWrite {
  return {
    label: 'ticket',
    write: { Put: { Item: toTicketItem(ticket), ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': ticket.version - 1 } } },
  };
}

/** Refuses the write unless the contact is active (statuses stored before they existed read as active). */
function contactActiveCheck(workspace: string, contact: string): LabelledWrite {
  return {
    label: 'contact',
    write: {
      ConditionCheck: {
        Key: contactKeys.contact(workspace, contact),
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#status) OR #status = :active)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':active': 'active' },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
  };
}

function contactRefusal(error: TransactionRefused): ConflictError | null {
  const reason = error.failed('contact');
  if (!reason) return null;
  const status = reason.item?.status?.S;
  if (status === 'stopped') return new ConflictError('contact_stopped', 'The contact has stopped: nothing can be sent to it.');
  if (status === 'blocked') return new ConflictError('contact_blocked', 'The contact is blocked: nothing can be sent to it.');
  return new ConflictError('contact_not_found', 'The contact does not exist.');
}

export function createConversationRepository(table: TableClient): ConversationRepository {
  return {
    async findContactByUrn(workspace, urn) {
      const item = await table.get('contact.find_by_urn', contactKeys.urn(workspace, urn), true);
      return item ? fromContactUrnItem(item) : null;
    },

    async createContactWithUrns(contact) {
      const writes: LabelledWrite[] = [
        contactSaveWrite(contact),
        ...contact.urns.map((urn) => ({ label: 'urn', write: { Put: { Item: toContactUrnItem(contact, urn), ConditionExpression: 'attribute_not_exists(pk)' } } })),
      ];
      try {
        await table.transactWrite('contact.create_for_urn', writes);
        return true;
      } catch (error) {
        if (error instanceof TransactionRefused && error.failed('urn')) return false;
        throw error;
      }
    },

    async claimFreeUrns(contact) {
      // One conditional Put per URN: each guard is its own item, and a lost condition only means another contact holds it.
      await Promise.all(contact.urns.map((urn) => table.putIfAbsent('contact.claim_urn', toContactUrnItem(contact, urn))));
    },

    async findChannelMessage(workspace, channel, externalId) {
      const item = await table.get('channel_msg.get', channelMessageKeys.guard(workspace, channel, externalId), true);
      return item ? fromChannelMessageItem(item) : null;
    },

    async saveReply({ message, ticket, events }) {
      const writes: LabelledWrite[] = [
        ticketVersionedPut(ticket),
        ...events.map((event) => ({ label: 'event', write: { Put: { Item: toTicketEventItem(event), ConditionExpression: 'attribute_not_exists(pk)' } } })),
        contactActiveCheck(ticket.workspace, ticket.contact),
        { label: 'message', write: { Put: { Item: toMessageItem(ticket.workspace, message), ConditionExpression: 'attribute_not_exists(pk)' } } },
      ];
      try {
        await table.transactWrite('ticket.reply', writes);
      } catch (error) {
        if (!(error instanceof TransactionRefused)) throw error;
        if (error.failed('ticket')) throw new StaleWriteError('The ticket changed meanwhile.');
        throw contactRefusal(error) ?? error;
      }
    },

    async saveOutgoing(workspace, message) {
      try {
        await table.transactWrite('message.send', [
          contactActiveCheck(workspace, message.contact),
          { label: 'message', write: { Put: { Item: toMessageItem(workspace, message), ConditionExpression: 'attribute_not_exists(pk)' } } },
        ]);
      } catch (error) {
        if (error instanceof TransactionRefused) throw contactRefusal(error) ?? error;
        throw error;
      }
    },

    async setContactStatus(workspace, contact, status) {
      return table.updateIfAllowed('contact.set_status', {
        Key: contactKeys.contact(workspace, contact),
        UpdateExpression: 'SET #status = :status ADD version :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status, ':one': 1 },
      });
    },

    async conversationPage({ workspace, ticket, contact, from, to, limit, cursor }) {
      const decoded = cursor ? await decodeCursor(table, cursor, CONVERSATION_CURSOR) : null;
      const position = { m: decoded?.m ?? LAST_MESSAGE_KEY, e: decoded?.e ?? LAST_EVENT_KEY };
      // Messages of the window: created in [from, to]; a key above `to` (all of that second's uuids) bounds it.
      const windowEnd = to === null ? LAST_MESSAGE_KEY : `${MESSAGE_SK_PREFIX}${to}#ffffffff-ffff-ffff-ffff-ffffffffffff`;
      const messagesUpTo = position.m < windowEnd ? position.m : windowEnd;
      const messageLow = `${MESSAGE_SK_PREFIX}${from}`;
      // Both streams newest first, one more than the page (BETWEEN is inclusive: the cursor's own item is dropped).
      const [messages, events] = await Promise.all([
        messagesUpTo < messageLow
          ? { items: [] as Item[] }
          : table.query('conversation.messages', {
              KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
              ExpressionAttributeValues: { ':pk': contactKeys.partition(workspace, contact), ':low': messageLow, ':high': messagesUpTo },
              ScanIndexForward: false,
              Limit: limit + 2,
            }),
        table.query('conversation.events', {
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
          ExpressionAttributeValues: { ':pk': ticketKeys.partition(workspace, ticket), ':low': TICKET_EVENT_SK_PREFIX, ':high': position.e },
          ScanIndexForward: false,
          Limit: limit + 2,
        }),
      ]);
      const messageItems = messages.items.filter((item) => item.sk !== position.m && item.type === ITEM_TYPE.message);
      const eventItems = events.items.filter((item) => item.sk !== position.e && item.type === ITEM_TYPE.ticketEvent);
      const entries: ConversationEntry[] = [];
      let m = 0;
      let e = 0;
      let last = { m: position.m, e: position.e };
      // A merge of the two heads by time (newest first), so no item is ever skipped or handed out twice.
      while (entries.length < limit && (m < messageItems.length || e < eventItems.length)) {
        const message = messageItems[m];
        const event = eventItems[e];
        const takeMessage = message !== undefined && (event === undefined || String(message.created_on) >= String(event.created_on));
        if (takeMessage) {
          entries.push({ kind: 'msg', msg: fromMessageItem(message) });
          last = { ...last, m: String(message.sk) };
          m++;
        } else {
          entries.push({ kind: 'event', event: fromTicketEventItem(event!) });
          last = { ...last, e: String(event!.sk) };
          e++;
        }
      }
      const more = m < messageItems.length || e < eventItems.length;
      return { entries, nextCursor: more ? await encodeCursor(table, last, CONVERSATION_CURSOR) : null };
    },
  };
}
