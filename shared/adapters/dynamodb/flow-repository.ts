// Storage of the flow engine service (docs/architecture.md, "Single table":
// flow, flow_assets, flow_session, msg items). Definitions and assets live in
// the workspace's flows partition; a contact's session and messages live in
// the contact's partition, beside the contact item, so one sprint's writes
// (session, messages, contact) form one transaction on one partition.
import {
  DuplicateChannelMessageError,
  SessionMovedError,
  SprintAlreadyRecordedError,
  type FlowAssetsRecord,
  type FlowRepository,
  type MessageRecord,
  type SprintWrite,
} from '#use-cases/flow-ports';
import { StaleWriteError } from '#use-cases/ports';
import { contactSaveWrite } from './contact-repository';
import { decodeCursor, encodeCursor, timeOrderedKeyPattern, type CursorShape } from './cursor';
import { idempotencyRecordWrite } from './idempotency-repository';
import { channelMessageGuardWrite, ticketVersionedPut } from './conversation-repository';
import { contactKeys } from './entities/contact';
import { FLOW_SK_PREFIX, flowKeys, fromFlowAssetsItem, fromFlowItem, toFlowAssetsItem, toFlowItem } from './entities/flow';
import { flowSessionKeys, fromFlowSessionItem, toFlowSessionItem } from './entities/flow-session';
import { fromMessageItem, MESSAGE_SK_PREFIX, toMessageItem } from './entities/message';
import { TransactionRefused, type Item, type LabelledWrite, type TableClient } from './table-client';

/** DynamoDB's limit of writes in one transaction. */
const MAX_TRANSACTION_WRITES = 100;

/**
 * Versioned Put: the first version must not exist yet, a later one must
 * replace exactly the version that was read.
 */
function versionedPut(label: string, item: Item & { version: number }): LabelledWrite {
  const isFirst = item.version <= 1;
  return {
    label,
    write: {
      Put: {
        Item: item,
        ConditionExpression: isFirst ? 'attribute_not_exists(pk)' : '#version = :expected',
        ...(isFirst ? {} : { ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': item.version - 1 } }),
      },
    },
  };
}

const messagePut = (workspace: string, message: MessageRecord): LabelledWrite => ({
  label: 'message',
  write: { Put: { Item: toMessageItem(workspace, message), ConditionExpression: 'attribute_not_exists(pk)' } },
});

/** An overflow message, written after its sprint landed: unconditional, so writing it again (a retry) stores the same item. */
const overflowMessagePut = (workspace: string, message: MessageRecord): LabelledWrite => ({
  label: 'message',
  write: { Put: { Item: toMessageItem(workspace, message) } },
});

/** A page cursor of a contact's messages: the last message's table key, in the contact's partition. */
function messageCursorShape(partition: string): CursorShape {
  return { pk: partition, sk: timeOrderedKeyPattern(MESSAGE_SK_PREFIX) };
}

export function createFlowRepository(table: TableClient): FlowRepository {
  return {
    async saveImport({ workspace, flows, assets }) {
      const writes = [
        ...flows.map((flow) => versionedPut('flow', toFlowItem(flow))),
        versionedPut('flow_assets', toFlowAssetsItem(workspace, assets)),
      ];
      try {
        await table.transactWrite('flow.import', writes);
      } catch (error) {
        if (error instanceof TransactionRefused) throw new StaleWriteError('A flow or the flow assets changed meanwhile.');
        throw error;
      }
    },

    async getFlows(workspace, uuids) {
      if (uuids.length === 0) return [];
      const items = await table.batchGet('flow.get', uuids.map((uuid) => flowKeys.flow(workspace, uuid)));
      return items.map(fromFlowItem);
    },

    async listFlows(workspace) {
      const items = await table.queryAll('flow.list', {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': flowKeys.partition(workspace), ':prefix': FLOW_SK_PREFIX },
        // The definitions are most of each item; a list does not need them.
        ProjectionExpression: 'workspace, #uuid, #name, flow_type, imported_spec_version, revision, dependencies, imported_on, modified_on, #version',
        ExpressionAttributeNames: { '#uuid': 'uuid', '#name': 'name', '#version': 'version' },
      });
      return items.map((item) => {
        const { definition: _definition, ...summary } = fromFlowItem(item);
        return summary;
      });
    },

    async getAssets(workspace): Promise<FlowAssetsRecord> {
      const item = await table.get('flow.assets', flowKeys.assets(workspace));
      return item ? fromFlowAssetsItem(item) : { fields: [], groups: [], version: 0 };
    },

    async getSession(workspace, contact) {
      const item = await table.get('flow.session.get', flowSessionKeys.session(workspace, contact), true);
      return item ? fromFlowSessionItem(item) : null;
    },

    async saveSprint(write: SprintWrite) {
      const { workspace } = write;
      const sessionWrite: LabelledWrite = write.session
        ? versionedPut('session', toFlowSessionItem({ ...write.session, version: write.expectedSessionVersion + 1 }))
        : {
            // Nothing to store, but the session must still be as read: had one started waiting meanwhile, the message was its answer.
            label: 'session',
            write: {
              ConditionCheck: {
                Key: flowSessionKeys.session(workspace, write.contact),
                ConditionExpression: write.expectedSessionVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :expected',
                ...(write.expectedSessionVersion === 0
                  ? {}
                  : { ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': write.expectedSessionVersion } }),
              },
            },
          };
      const contactWrite = write.contact_change ? [contactSaveWrite(write.contact_change)] : [];
      const idempotencyWrite = write.idempotency ? [idempotencyRecordWrite(workspace, write.idempotency)] : [];
      const inboundWrites = [
        ...(write.channel_message ? [channelMessageGuardWrite(workspace, write.channel_message)] : []),
        ...(write.ticket_activity ? [ticketVersionedPut(write.ticket_activity)] : []),
      ];
      const room = MAX_TRANSACTION_WRITES - 1 - contactWrite.length - idempotencyWrite.length - inboundWrites.length;
      // A sprint rarely sends more than a handful. The first messages go with the session; any overflow is written only
      // once that transaction landed (a sprint that loses its race must leave nothing behind), with Puts on fixed keys.
      const inline = write.messages.slice(0, room);
      const overflow = write.messages.slice(room);
      try {
        await table.transactWrite('flow.sprint', [sessionWrite, ...contactWrite, ...idempotencyWrite, ...inboundWrites, ...inline.map((message) => messagePut(workspace, message))]);
      } catch (error) {
        if (error instanceof TransactionRefused) {
          if (error.failed('idempotency')) throw new SprintAlreadyRecordedError('A sprint under this idempotency key was stored meanwhile.');
          if (error.failed('channel_msg')) throw new DuplicateChannelMessageError('The gateway sent this message before.');
          if (error.failed('ticket')) throw new StaleWriteError('The ticket changed meanwhile.');
          if (error.failed('session')) throw new SessionMovedError('The contact\'s flow session changed meanwhile.');
          if (error.failed('contact')) throw new StaleWriteError('The contact changed meanwhile.');
        }
        throw error;
      }
      for (let start = 0; start < overflow.length; start += MAX_TRANSACTION_WRITES) {
        await table.transactWrite('flow.messages', overflow.slice(start, start + MAX_TRANSACTION_WRITES).map((message) => overflowMessagePut(workspace, message)));
      }
    },

    async listMessages({ workspace, contact, limit, cursor }) {
      const partition = contactKeys.partition(workspace, contact);
      const page = await table.query('flow.messages.list', {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': partition, ':prefix': MESSAGE_SK_PREFIX },
        ScanIndexForward: false,
        Limit: limit + 1,
        ...(cursor ? { ExclusiveStartKey: await decodeCursor(table, cursor, messageCursorShape(partition)) } : {}),
      });
      const items = page.items.slice(0, limit);
      const last = items.at(-1);
      return { results: items.map(fromMessageItem), next_cursor: page.items.length > limit && last ? await encodeCursor(table, last, messageCursorShape(partition)) : null };
    },
  };
}
