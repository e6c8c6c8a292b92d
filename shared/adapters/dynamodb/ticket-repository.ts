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
import { decodeCursor, encodeCursor, ticketIndexCursorShape } from './cursor';
import { idempotencyRecordWrite } from './idempotency-repository';
import { ticketEventItem, ticketItem, toTicket, toTicketEvent } from './items';
import { contactKeys } from './entities/contact';
import { ITEM_TYPE, ticketIndexPartitions, ticketKeys, type IndexName } from './keys';
import { TransactionRefused, type LabelledWrite, type TableClient } from './table-client';
import { topicCreationRefusal, topicCreationWrites } from './topic-repository';

function eventWrites(events: TicketEvent[]): LabelledWrite[] {
  return events.map((event) => ({
    label: 'event',
    write: { Put: { Item: ticketEventItem(event), ConditionExpression: 'attribute_not_exists(pk)' } },
  }));
}

function folderIndex(workspace: string, folder: FolderQuery, status: TicketStatus): { index: IndexName; partition: string } {
  switch (folder.kind) {
    case 'all':
      return { index: 'gsi1', partition: ticketIndexPartitions.status(workspace, status) };
    case 'assignee':
      return { index: 'gsi2', partition: ticketIndexPartitions.assignee(workspace, folder.assignee, status) };
    case 'topic':
      return { index: 'gsi3', partition: ticketIndexPartitions.topic(workspace, folder.topic, status) };
  }
}

export function createTicketRepository(table: TableClient): TicketRepository {
  /** One page, newest first: ask for one item more than the page to know whether another page exists. */
  async function pageOf(label: string, workspace: string, index: IndexName, partition: string, limit: number, cursor?: string): Promise<TicketPage> {
    const cursorShape = ticketIndexCursorShape(workspace, index, partition);
    const { items } = await table.query(label, {
      IndexName: index,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': `${index}pk` },
      ExpressionAttributeValues: { ':pk': partition },
      ScanIndexForward: false,
      Limit: limit + 1,
      ...(cursor ? { ExclusiveStartKey: await decodeCursor(table, cursor, cursorShape) } : {}),
    });
    const page = items.slice(0, limit);
    const last = page.at(-1);
    return { tickets: page.map(toTicket), nextCursor: items.length > limit && last ? await encodeCursor(table, last, cursorShape) : null };
  }

  return {
    async get(workspace: string, ticket: string) {
      const item = await table.get('ticket.get', ticketKeys.ticket(workspace, ticket), true);
      return item ? toTicket(item) : null;
    },

    async getMany(workspace: string, tickets: string[]) {
      if (tickets.length === 0) return [];
      const items = await table.batchGet('ticket.get_many', tickets.map((ticket) => ticketKeys.ticket(workspace, ticket)));
      return items.map(toTicket);
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
      return { ticket: toTicket(ticketRecord), history: items.filter((item) => item.type === ITEM_TYPE.ticketEvent).map(toTicketEvent) };
    },

    async open(write: OpenTicketWrite): Promise<OpenTicketOutcome> {
      const writes: LabelledWrite[] = [
        { label: 'ticket', write: { Put: { Item: ticketItem(write.ticket), ConditionExpression: 'attribute_not_exists(pk)' } } },
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
              Item: ticketItem(ticket),
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
      return pageOf('ticket.list_folder', workspace, index, partition, limit, cursor);
    },

    async listByModified({ workspace, contact, limit, cursor }) {
      return contact
        ? pageOf('ticket.list_by_contact', workspace, 'gsi5', ticketIndexPartitions.contactTickets(workspace, contact), limit, cursor)
        : pageOf('ticket.list', workspace, 'gsi4', ticketIndexPartitions.tickets(workspace), limit, cursor);
    },
  };
}
