// Channels and the delivery bookkeeping of outgoing messages (docs/channels.md,
// docs/architecture.md "Single table"): the channel item in its workspace's
// channel partition plus its global pointer (a full copy, written in the same
// transaction), the message-location items status callbacks find messages by,
// and conditional status updates of message items.
import type { Channel } from '#domain/channel';
import { NotFoundError } from '#domain/errors';
import type { ChannelRepository, MessageLocation, StoredOutgoingMessage } from '#use-cases/channel-ports';
import { StaleWriteError } from '#use-cases/ports';
import { toMessage } from './flow-repository';
import { channelKeys, flowKeys, ITEM_TYPE, messageRefKeys } from './keys';
import { TTL_ATTRIBUTE } from './table';
import { TransactionRefused, type Item, type TableClient } from './table-client';

/** Message locations outlive any delivery report a gateway would still send (90 days). */
const MESSAGE_REF_TTL_SECONDS = 90 * 24 * 3600;

const CHANNEL_ATTRIBUTES = ['workspace', 'uuid', 'type', 'name', 'address', 'schemes', 'country', 'config', 'sealed_secrets', 'created_on', 'modified_on'] as const;

function channelAttributes(channel: Channel) {
  return Object.fromEntries(CHANNEL_ATTRIBUTES.map((name) => [name, channel[name]]));
}

function toChannel(item: Item): Channel {
  return {
    workspace: String(item.workspace),
    uuid: String(item.uuid),
    type: item.channel_type as Channel['type'],
    name: String(item.name),
    address: (item.address as string | null | undefined) ?? null,
    schemes: (item.schemes as string[] | undefined) ?? [],
    country: (item.country as string | null | undefined) ?? null,
    config: item.config as Channel['config'],
    sealed_secrets: String(item.sealed_secrets),
    created_on: String(item.created_on),
    modified_on: String(item.modified_on),
  };
}

function channelItem(channel: Channel) {
  const { type, ...rest } = channelAttributes(channel) as Record<string, unknown> & { type: string };
  return { ...channelKeys.channel(channel.workspace, channel.uuid), ...rest, type: ITEM_TYPE.channel, channel_type: type };
}

function pointerItem(channel: Channel) {
  const { type, ...rest } = channelAttributes(channel) as Record<string, unknown> & { type: string };
  return { ...channelKeys.pointer(channel.uuid), ...rest, type: ITEM_TYPE.channelPointer, channel_type: type };
}

/** A stored message as delivery reads it: the flow repository's mapping, with the delivery fields' defaults for messages stored before they existed. */
function toStoredMessage(item: Item): StoredOutgoingMessage {
  return { channel: null, quick_replies: [], external_id: null, attempts: 0, failed_reason: null, ...toMessage(item), workspace: String(item.workspace) };
}

const messageKey = (location: MessageLocation) => flowKeys.message(location.workspace, location.contact, location.created_on, location.uuid);

export function createChannelRepository(table: TableClient): ChannelRepository {
  return {
    async create(channel) {
      await table.transactWrite('channel.create', [
        { label: 'channel', write: { Put: { Item: channelItem(channel), ConditionExpression: 'attribute_not_exists(pk)' } } },
        { label: 'pointer', write: { Put: { Item: pointerItem(channel), ConditionExpression: 'attribute_not_exists(pk)' } } },
      ]);
    },

    async update(channel, previous) {
      try {
        await table.transactWrite('channel.update', [
          {
            label: 'channel',
            write: {
              Put: {
                Item: channelItem(channel),
                ConditionExpression: 'modified_on = :previous',
                ExpressionAttributeValues: { ':previous': previous.modified_on },
              },
            },
          },
          { label: 'pointer', write: { Put: { Item: pointerItem(channel), ConditionExpression: 'attribute_exists(pk)' } } },
        ]);
      } catch (error) {
        if (error instanceof TransactionRefused) {
          if (error.failed('pointer')) throw new NotFoundError('channel_not_found', 'No such channel.');
          throw new StaleWriteError('The channel changed meanwhile.');
        }
        throw error;
      }
    },

    async delete(workspace, channel) {
      try {
        await table.transactWrite('channel.delete', [
          { label: 'channel', write: { Delete: { Key: channelKeys.channel(workspace, channel), ConditionExpression: 'attribute_exists(pk)' } } },
          { label: 'pointer', write: { Delete: { Key: channelKeys.pointer(channel) } } },
        ]);
        return true;
      } catch (error) {
        if (error instanceof TransactionRefused) return false;
        throw error;
      }
    },

    async get(workspace, channel) {
      const item = await table.get('channel.get', channelKeys.channel(workspace, channel), true);
      return item ? toChannel(item) : null;
    },

    async list(workspace) {
      const items = await table.queryAll('channel.list', {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': channelKeys.partition(workspace) },
      });
      return items.map(toChannel).sort((a, b) => a.created_on.localeCompare(b.created_on) || a.uuid.localeCompare(b.uuid));
    },

    async findByUuid(channel) {
      const item = await table.get('channel.find', channelKeys.pointer(channel));
      return item ? toChannel(item) : null;
    },

    async getMessage(location) {
      const item = await table.get('msg.get', messageKey(location), true);
      return item && item.type === ITEM_TYPE.message ? toStoredMessage(item) : null;
    },

    async updateMessageStatus(location, change) {
      const names: Record<string, string> = { '#status': 'status', '#modified_on': 'modified_on' };
      const values: Record<string, unknown> = { ':status': change.status, ':modified_on': change.modified_on };
      const sets = ['#status = :status', '#modified_on = :modified_on'];
      const removes: string[] = [];
      change.from.forEach((status, index) => (values[`:from${index}`] = status));
      if (change.external_id !== undefined) {
        names['#external_id'] = 'external_id';
        if (change.external_id === null) removes.push('#external_id');
        else {
          sets.push('#external_id = :external_id');
          values[':external_id'] = change.external_id;
        }
      }
      if (change.failed_reason !== undefined) {
        names['#failed_reason'] = 'failed_reason';
        sets.push('#failed_reason = :failed_reason');
        values[':failed_reason'] = change.failed_reason;
      }
      if (change.channel) {
        names['#channel'] = 'channel';
        sets.push('#channel = :channel');
        values[':channel'] = change.channel;
      }
      if (change.countAttempt) {
        names['#attempts'] = 'attempts';
        sets.push('#attempts = if_not_exists(#attempts, :zero) + :one');
        values[':zero'] = 0;
        values[':one'] = 1;
      }
      const others = change.from.filter((status) => !(change.failedOnlyFor && status === 'failed'));
      const allowed = others.length ? [`#status IN (${others.map((status) => `:from${change.from.indexOf(status)}`).join(', ')})`] : [];
      if (change.failedOnlyFor && change.from.includes('failed')) {
        names['#failed_reason'] = 'failed_reason';
        values[':failed_only_for'] = change.failedOnlyFor;
        allowed.push(`(#status = :from${change.from.indexOf('failed')} AND #failed_reason = :failed_only_for)`);
      }
      return table.updateIfAllowed('msg.status', {
        Key: messageKey(location),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: `attribute_exists(pk) AND (${allowed.join(' OR ')})`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      });
    },

    async putMessageLocation(location) {
      // Written at every try: the same values again, or the channel a retry picked instead.
      await table.updateIfAllowed('msg_ref.put', {
        Key: messageRefKeys.ref(location.workspace, location.uuid),
        UpdateExpression:
          'SET #type = :type, #workspace = :workspace, #contact = :contact, #created_on = :created_on, #uuid = :uuid, #ttl = :ttl' +
          (location.sent_through ? ', #sent_through = :sent_through' : ''),
        ExpressionAttributeNames: {
          '#type': 'type',
          '#workspace': 'workspace',
          '#contact': 'contact',
          '#created_on': 'created_on',
          '#uuid': 'uuid',
          '#ttl': TTL_ATTRIBUTE,
          ...(location.sent_through ? { '#sent_through': 'sent_through' } : {}),
        },
        ExpressionAttributeValues: {
          ':type': ITEM_TYPE.messageRef,
          ':workspace': location.workspace,
          ':contact': location.contact,
          ':created_on': location.created_on,
          ':uuid': location.uuid,
          ':ttl': Math.floor(Date.parse(location.created_on) / 1000) + MESSAGE_REF_TTL_SECONDS,
          ...(location.sent_through ? { ':sent_through': location.sent_through } : {}),
        },
      });
    },

    async findMessageLocation(workspace, msg) {
      const item = await table.get('msg_ref.get', messageRefKeys.ref(workspace, msg));
      if (!item) return null;
      return {
        workspace,
        contact: String(item.contact),
        created_on: String(item.created_on),
        uuid: String(item.uuid),
        ...(typeof item.sent_through === 'string' ? { sent_through: item.sent_through } : {}),
      };
    },
  };
}
