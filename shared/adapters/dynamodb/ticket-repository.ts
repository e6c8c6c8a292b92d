import { ConflictError } from '#domain/errors';
import type { Ticket, TicketEvent, TicketStatus } from '#domain/ticket';
import {
  StaleWriteError,
  type FolderQuery,
  type OpenTicketOutcome,
  type OpenTicketWrite,
  type TicketWrite,
  type TicketPage,
  type TicketRepository,
} from '#use-cases/ports';
import { contactSaveWrite } from './contact-repository';
import { decodeCursor, encodeCursor, escapeRegExp, TIMESTAMP, UUID, type CursorShape } from './cursor';
import {
  fromTicketEventItem,
  fromTicketItem,
  TICKET_INDEXES,
  ticketIndexPartitions,
  ticketKeys,
  toTicketEventItem,
  toTicketItem,
  type TicketIndexEntry,
} from './entities/ticket';
import { idempotencyRecordWrite } from './idempotency-repository';
import { contactKeys, fromContactItem } from './entities/contact';
import { ITEM_TYPE, type IndexName } from './keys';
import { TransactionRefused, type Item, type LabelledWrite, type TableClient } from './table-client';
import { topicCreationRefusal, topicCreationWrites } from './topic-repository';

function eventWrites(events: TicketEvent[]): LabelledWrite[] {
  return events.map((event) => ({
    label: 'event',
    write: { Put: { Item: toTicketEventItem(event), ConditionExpression: 'attribute_not_exists(pk)' } },
  }));
}

function folderIndex(workspace: string, folder: FolderQuery, status: TicketStatus): { index: 'gsi1' | 'gsi2' | 'gsi3'; partition: string } {
  switch (folder.kind) {
    case 'all':
      return { index: 'gsi1', partition: ticketIndexPartitions.status(workspace, status) };
    case 'assignee':
      return { index: 'gsi2', partition: ticketIndexPartitions.assignee(workspace, folder.assignee, status) };
    case 'topic':
      return { index: 'gsi3', partition: ticketIndexPartitions.topic(workspace, folder.topic, status) };
  }
}

/** Whether the ticket as read is (still) in the folder: the index lags its table by a moment. */
function inFolder(ticket: Ticket, folder: FolderQuery, status: TicketStatus): boolean {
  if (ticket.status !== status) return false;
  switch (folder.kind) {
    case 'all':
      return true;
    case 'assignee':
      return ticket.assignee === folder.assignee;
    case 'topic':
      return ticket.topic === folder.topic;
  }
}

/** The pattern of a ticket's table key in `workspace`. */
const ticketPkPattern = (workspace: string) => new RegExp(`^${escapeRegExp(ticketKeys.partition(workspace, ''))}${UUID}$`);
const timestampPattern = new RegExp(`^${TIMESTAMP}$`);

/** A page of an index partition: the last entry's table key and index key. */
function indexCursorShape(workspace: string, index: IndexName, partition: string): CursorShape {
  const { partitionKey, sortKey } = TICKET_INDEXES[index];
  return { pk: ticketPkPattern(workspace), sk: ticketKeys.ticket(workspace, '').sk, [partitionKey]: partition, [sortKey]: timestampPattern };
}

/** A page of a contact's tickets, ordered in memory: the last ticket's key and modified_on, bound to the contact's partition. */
function contactTicketsCursorShape(workspace: string, partition: string): CursorShape {
  return { pk: ticketPkPattern(workspace), sk: ticketKeys.ticket(workspace, '').sk, [TICKET_INDEXES.gsi5.partitionKey]: partition, modified_on: timestampPattern };
}

/** Newest modified_on first, then by table key (a strict order, so a cursor position is exact). */
function byModifiedDesc(a: { modified_on: string; pk: string }, b: { modified_on: string; pk: string }): number {
  if (a.modified_on !== b.modified_on) return a.modified_on < b.modified_on ? 1 : -1;
  return a.pk === b.pk ? 0 : a.pk < b.pk ? 1 : -1;
}

export function createTicketRepository(table: TableClient): TicketRepository {
  /**
   * The tickets of a page, in the order given, and their contacts: one BatchGet
   * for both (the index entries carry the ticket keys and contact uuids).
   */
  async function readPage(label: string, workspace: string, entries: { pk: string; sk: string; contact: string }[]) {
    const items = await table.batchGet(label, [
      ...entries.map(({ pk, sk }) => ({ pk, sk })),
      ...[...new Set(entries.map((entry) => entry.contact))].map((contact) => contactKeys.contact(workspace, contact)),
    ]);
    const tickets = new Map<string, Item>(items.filter((item) => item.type === ITEM_TYPE.ticket).map((item) => [String(item.pk), item]));
    return {
      // A ticket is never deleted; one missing here could only be a key the index listed and the table no longer has.
      tickets: entries.flatMap((entry): Item[] => {
        const item = tickets.get(entry.pk);
        return item ? [item] : [];
      }),
      contacts: items.filter((item) => item.type === ITEM_TYPE.contact).map(fromContactItem),
    };
  }

  /** One page of an index partition, newest first: one Query (one entry more than the page, to know whether another page exists), one BatchGet. */
  async function indexPage(
    label: string,
    workspace: string,
    index: Exclude<IndexName, 'gsi5'>,
    partition: string,
    limit: number,
    cursor: string | undefined,
    keep: (ticket: Ticket) => boolean = () => true,
  ): Promise<TicketPage> {
    const shape = indexCursorShape(workspace, index, partition);
    const { items } = await table.query<TicketIndexEntry>(label, {
      IndexName: index,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TICKET_INDEXES[index].partitionKey },
      ExpressionAttributeValues: { ':pk': partition },
      ScanIndexForward: false,
      Limit: limit + 1,
      ...(cursor ? { ExclusiveStartKey: await decodeCursor(table, cursor, shape) } : {}),
    });
    const entries = items.slice(0, limit);
    const last = entries.at(-1);
    const nextCursor = items.length > limit && last ? await encodeCursor(table, last, shape) : null;
    if (entries.length === 0) return { tickets: [], contacts: [], nextCursor };
    const read = await readPage(`${label}.items`, workspace, entries.map((entry) => ({ pk: entry.pk, sk: entry.sk, contact: String(entry.contact_uuid) })));
    return { tickets: read.tickets.map(fromTicketItem).filter(keep), contacts: read.contacts, nextCursor };
  }

  /**
   * A contact's tickets, newest modified_on first. gsi5 is keyed by opened_on,
   * which never moves (so no command rewrites it): the contact's entries are
   * read whole (one Query), their tickets with the contact (one BatchGet per
   * 100), ordered here and cut at the cursor.
   */
  async function contactPage(workspace: string, contact: string, limit: number, cursor: string | undefined): Promise<TicketPage> {
    const label = 'ticket.list_by_contact';
    const partition = ticketIndexPartitions.contactTickets(workspace, contact);
    const shape = contactTicketsCursorShape(workspace, partition);
    const after = cursor ? await decodeCursor(table, cursor, shape) : null;
    const entries = await table.queryAll<TicketIndexEntry>(label, {
      IndexName: 'gsi5',
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TICKET_INDEXES.gsi5.partitionKey },
      ExpressionAttributeValues: { ':pk': partition },
      ScanIndexForward: false,
    });
    if (entries.length === 0) return { tickets: [], contacts: [], nextCursor: null };
    const read = await readPage(`${label}.items`, workspace, entries.map((entry) => ({ pk: entry.pk, sk: entry.sk, contact })));
    const ordered = (read.tickets as (Item & { modified_on: string; pk: string })[])
      .sort(byModifiedDesc)
      .filter((item) => !after || byModifiedDesc(item, { modified_on: after.modified_on!, pk: after.pk! }) > 0);
    const page = ordered.slice(0, limit);
    const last = page.at(-1);
    return {
      tickets: page.map(fromTicketItem),
      contacts: read.contacts,
      nextCursor: ordered.length > limit && last ? await encodeCursor(table, last, shape) : null,
    };
  }

  return {
    async get(workspace: string, ticket: string) {
      const item = await table.get('ticket.get', ticketKeys.ticket(workspace, ticket), true);
      return item ? fromTicketItem(item) : null;
    },

    async getMany(workspace: string, tickets: string[]) {
      if (tickets.length === 0) return [];
      const items = await table.batchGet('ticket.get_many', tickets.map((ticket) => ticketKeys.ticket(workspace, ticket)));
      return items.map(fromTicketItem);
    },

    async getWithHistory(workspace: string, ticket: string) {
      const items = await table.queryAll('ticket.get_with_history', {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': ticketKeys.partition(workspace, ticket) },
        ConsistentRead: true,
      });
      const ticketRecord = items.find((item) => item.type === ITEM_TYPE.ticket);
      if (!ticketRecord) return null;
      // Sort keys EVENT#<uuid7> come back in creation order.
      return { ticket: fromTicketItem(ticketRecord), history: items.filter((item) => item.type === ITEM_TYPE.ticketEvent).map(fromTicketEventItem) };
    },

    async open(write: OpenTicketWrite): Promise<OpenTicketOutcome> {
      const writes: LabelledWrite[] = [
        { label: 'ticket', write: { Put: { Item: toTicketItem(write.ticket), ConditionExpression: 'attribute_not_exists(pk)' } } },
        ...eventWrites(write.events),
        contactSaveWrite(write.contact, 'attribute_not_exists(open_ticket)'),
        ...(write.newTopic ? topicCreationWrites(write.newTopic) : []),
        ...(write.idempotency ? [idempotencyRecordWrite(write.ticket.workspace, { scope: 'open_ticket', ...write.idempotency })] : []),
      ];
      try {
        await table.transactWrite('ticket.open', writes);
        return 'opened';
      } catch (error) {
        if (!(error instanceof TransactionRefused)) throw error;
        if (error.failed('idempotency')) return 'idempotency_key_taken';
        const contact = error.failed('contact');
        if (contact?.item?.open_ticket) return 'contact_has_open_ticket';
        if (contact) throw new StaleWriteError('The contact changed meanwhile.');
        if (write.newTopic) {
          // Another open created the same topic name meanwhile: a retry finds it. The limit is final.
          if (error.failed('topic_name')) throw new StaleWriteError('The topic was created meanwhile.');
          const refusal = topicCreationRefusal(error, write.newTopic);
          if (refusal) throw refusal;
        }
        throw error;
      }
    },

    async update(change: TicketWrite) {
      const { ticket } = change;
      const writes: LabelledWrite[] = [
        {
          label: 'ticket',
          write: {
            Put: {
              Item: toTicketItem(ticket),
              ConditionExpression: 'version = :expected',
              ExpressionAttributeValues: { ':expected': ticket.version - 1 },
            },
          },
        },
        ...eventWrites(change.events),
      ];
      const contactKey = contactKeys.contact(ticket.workspace, ticket.contact);
      if (change.contactOpenTicket === 'claim')
        writes.push({
          label: 'contact',
          write: {
            Update: {
              Key: contactKey,
              UpdateExpression: 'SET open_ticket = :ticket ADD version :one',
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(open_ticket)',
              ExpressionAttributeValues: { ':ticket': ticket.uuid, ':one': 1 },
            },
          },
        });
      if (change.contactOpenTicket === 'release')
        writes.push({
          label: 'contact',
          write: {
            Update: {
              Key: contactKey,
              UpdateExpression: 'REMOVE open_ticket ADD version :one',
              ConditionExpression: 'open_ticket = :ticket',
              ExpressionAttributeValues: { ':ticket': ticket.uuid, ':one': 1 },
            },
          },
        });
      try {
        await table.transactWrite(`ticket.${change.command}`, writes);
      } catch (error) {
        if (!(error instanceof TransactionRefused)) throw error;
        if (error.failed('ticket')) throw new StaleWriteError('The ticket changed meanwhile.');
        if (error.failed('contact') && change.contactOpenTicket === 'claim')
          throw new ConflictError('contact_has_open_ticket', 'The contact has another open ticket.');
        if (error.failed('contact')) throw new StaleWriteError('The contact no longer holds this ticket as open.');
        throw error;
      }
    },

    async listFolder({ workspace, folder, status, limit, cursor }) {
      const { index, partition } = folderIndex(workspace, folder, status);
      return indexPage('ticket.list_folder', workspace, index, partition, limit, cursor, (ticket) => inFolder(ticket, folder, status));
    },

    async listByModified({ workspace, contact, limit, cursor }) {
      return contact
        ? contactPage(workspace, contact, limit, cursor)
        : indexPage('ticket.list', workspace, 'gsi4', ticketIndexPartitions.tickets(workspace), limit, cursor);
    },
  };
}
