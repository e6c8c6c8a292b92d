// Storage of the flow engine service (docs/architecture.md, "Single table":
// flow, flow_assets, flow_session, msg items). Definitions and assets live in
// the workspace's flows partition; a contact's session and messages live in
// the contact's partition, beside the contact item, so one sprint's writes
// (session, messages, contact) form one transaction on one partition.
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  DuplicateChannelMessageError,
  SessionMovedError,
  SprintAlreadyRecordedError,
  type FlowAssetsRecord,
  type FlowRepository,
  type MessageRecord,
  type SprintWrite,
  type StoredFlow,
  type StoredSession,
} from '#use-cases/flow-ports';
import { StaleWriteError } from '#use-cases/ports';
import { contactSaveWrite } from './contact-repository';
import { decodeCursor, encodeCursor, timeOrderedKeyPattern, type CursorShape } from './cursor';
import { idempotencyRecordWrite } from './idempotency-repository';
import { channelMessageGuardWrite, ticketVersionedPut } from './conversation-repository';
import { contactKeys, FLOW_SK_PREFIX, flowKeys, ITEM_TYPE, type TableKey } from './keys';
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

function flowItem(flow: StoredFlow): Item & { version: number } {
  const { definition, type: flowType, ...rest } = flow;
  // Definitions are stored as JSON text: a DynamoDB map would neither keep key order nor empty strings the way the JSON had them.
  return { ...flowKeys.flow(flow.workspace, flow.uuid), ...rest, type: ITEM_TYPE.flow, flow_type: flowType, definition: JSON.stringify(definition) };
}

function toStoredFlow(item: Item): StoredFlow {
  return {
    workspace: String(item.workspace),
    uuid: String(item.uuid),
    name: String(item.name),
    type: String(item.flow_type ?? 'messaging'),
    imported_spec_version: String(item.imported_spec_version),
    revision: typeof item.revision === 'number' ? item.revision : null,
    definition: JSON.parse(String(item.definition ?? '{}')),
    dependencies: (item.dependencies as string[] | undefined) ?? [],
    imported_on: String(item.imported_on),
    modified_on: String(item.modified_on),
    version: Number(item.version),
  };
}

/**
 * Sessions are stored gzipped: their JSON (runs, paths, results, the
 * contact) compresses several times over, and write units are per KB.
 */
function sessionItem(session: StoredSession): Item & { version: number } {
  const { session: json, ...rest } = session;
  return {
    ...flowKeys.session(session.workspace, session.contact),
    type: ITEM_TYPE.flowSession,
    ...rest,
    session_gz: gzipSync(JSON.stringify(json)),
  };
}

function toStoredSession(item: Item): StoredSession {
  return {
    workspace: String(item.workspace),
    contact: String(item.contact),
    uuid: String(item.uuid),
    status: String(item.status),
    flow: item.flow as StoredSession['flow'],
    session: JSON.parse(gunzipSync(item.session_gz as Uint8Array).toString('utf8')),
    expires_on: (item.expires_on as string | null | undefined) ?? null,
    timeout_on: (item.timeout_on as string | null | undefined) ?? null,
    modified_on: String(item.modified_on),
    version: Number(item.version),
  };
}

export function messageItem(workspace: string, message: MessageRecord): Item & TableKey {
  const { type: msgType, ...rest } = message;
  return { ...flowKeys.message(workspace, message.contact, message.created_on, message.uuid), ...rest, type: ITEM_TYPE.message, msg_type: msgType, workspace };
}

export function toMessage(item: Item): MessageRecord {
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

const messagePut = (workspace: string, message: MessageRecord): LabelledWrite => ({
  label: 'message',
  write: { Put: { Item: messageItem(workspace, message), ConditionExpression: 'attribute_not_exists(pk)' } },
});

/** An overflow message, written after its sprint landed: unconditional, so writing it again (a retry) stores the same item. */
const overflowMessagePut = (workspace: string, message: MessageRecord): LabelledWrite => ({
  label: 'message',
  write: { Put: { Item: messageItem(workspace, message) } },
});

/** A page cursor of a contact's messages: the last message's table key, in the contact's partition. */
function messageCursorShape(partition: string): CursorShape {
  return { pk: partition, sk: timeOrderedKeyPattern(FLOW_SK_PREFIX.message) };
}

export function createFlowRepository(table: TableClient): FlowRepository {
  return {
    async saveImport({ workspace, flows, assets }) {
      const writes = [
        ...flows.map((flow) => versionedPut('flow', flowItem(flow))),
        versionedPut('flow_assets', { ...flowKeys.assets(workspace), type: ITEM_TYPE.flowAssets, workspace, fields: JSON.stringify(assets.fields), groups: JSON.stringify(assets.groups), version: assets.version }),
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
      return items.map(toStoredFlow);
    },

    async listFlows(workspace) {
      const items = await table.queryAll('flow.list', {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': flowKeys.partition(workspace), ':prefix': FLOW_SK_PREFIX.flow },
        // The definitions are most of each item; a list does not need them.
        ProjectionExpression: 'workspace, #uuid, #name, flow_type, imported_spec_version, revision, dependencies, imported_on, modified_on, #version',
        ExpressionAttributeNames: { '#uuid': 'uuid', '#name': 'name', '#version': 'version' },
      });
      return items.map((item) => {
        const { definition: _definition, ...summary } = toStoredFlow(item);
        return summary;
      });
    },

    async getAssets(workspace): Promise<FlowAssetsRecord> {
      const item = await table.get('flow.assets', flowKeys.assets(workspace));
      if (!item) return { fields: [], groups: [], version: 0 };
      return { fields: JSON.parse(String(item.fields)), groups: JSON.parse(String(item.groups)), version: Number(item.version) };
    },

    async getSession(workspace, contact) {
      const item = await table.get('flow.session.get', flowKeys.session(workspace, contact), true);
      return item ? toStoredSession(item) : null;
    },

    async saveSprint(write: SprintWrite) {
      const { workspace } = write;
      const sessionWrite: LabelledWrite = write.session
        ? versionedPut('session', sessionItem({ ...write.session, version: write.expectedSessionVersion + 1 }))
        : {
            // Nothing to store, but the session must still be as read: had one started waiting meanwhile, the message was its answer.
            label: 'session',
            write: {
              ConditionCheck: {
                Key: flowKeys.session(workspace, write.contact),
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
      const partition = contactKeys.contact(workspace, contact).pk;
      const page = await table.query('flow.messages.list', {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': partition, ':prefix': FLOW_SK_PREFIX.message },
        ScanIndexForward: false,
        Limit: limit + 1,
        ...(cursor ? { ExclusiveStartKey: await decodeCursor(table, cursor, messageCursorShape(partition)) } : {}),
      });
      const items = page.items.slice(0, limit);
      const last = items.at(-1);
      return { results: items.map(toMessage), next_cursor: page.items.length > limit && last ? await encodeCursor(table, last, messageCursorShape(partition)) : null };
    },
  };
}
