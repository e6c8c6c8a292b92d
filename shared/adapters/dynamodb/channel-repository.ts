// Channels and the delivery bookkeeping of outgoing messages (docs/channels.md,
// docs/architecture.md "Single table"): the channel item in its workspace's
// channel partition plus its global pointer (a full copy, written in the same
// transaction), the message-location items status callbacks find messages by,
// and conditional status updates of message items.
import { NotFoundError } from '#domain/errors';
import type { ChannelRepository, MessageLocation } from '#use-cases/channel-ports';
import { StaleWriteError } from '#use-cases/ports';
import { channelKeys, fromChannelItem, toChannelItem, toChannelPointerItem } from './entities/channel';
import { fromMessageRefItem, fromOutgoingMessageItem, messageKeys, toMessageRefItem } from './entities/message';
import { ITEM_TYPE } from './keys';
import { TransactionRefused, type TableClient } from './table-client';

const messageKey = (location: MessageLocation) => messageKeys.message(location.workspace, location.contact, location.created_on, location.uuid);

export function createChannelRepository(table: TableClient): ChannelRepository {
  return {
    async create(channel) {
      await table.transactWrite('channel.create', [
        { label: 'channel', write: { Put: { Item: toChannelItem(channel), ConditionExpression: 'attribute_not_exists(pk)' } } },
        { label: 'pointer', write: { Put: { Item: toChannelPointerItem(channel), ConditionExpression: 'attribute_not_exists(pk)' } } },
      ]);
    },

    async update(channel, previous) {
      try {
        await table.transactWrite('channel.update', [
          {
            label: 'channel',
            write: {
              Put: {
                Item: toChannelItem(channel),
                ConditionExpression: 'modified_on = :previous',
                ExpressionAttributeValues: { ':previous': previous.modified_on },
              },
            },
          },
          { label: 'pointer', write: { Put: { Item: toChannelPointerItem(channel), ConditionExpression: 'attribute_exists(pk)' } } },
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
      return item ? fromChannelItem(item) : null;
    },

    async list(workspace) {
      const items = await table.queryAll('channel.list', {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': channelKeys.partition(workspace) },
      });
      return items.map(fromChannelItem).sort((a, b) => a.created_on.localeCompare(b.created_on) || a.uuid.localeCompare(b.uuid));
    },

    async findByUuid(channel) {
      const item = await table.get('channel.find', channelKeys.pointer(channel));
      return item ? fromChannelItem(item) : null;
    },

    async getMessage(location) {
      const item = await table.get('msg.get', messageKey(location), true);
      return item && item.type === ITEM_TYPE.message ? fromOutgoingMessageItem(item) : null;
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
      // Written at every try: the same values again, or the channel a retry picked instead. An update, not a Put:
      // a try that names no channel keeps the `sent_through` an earlier one wrote.
      const { pk, sk, ...attributes } = toMessageRefItem(location);
      const names = Object.keys(attributes) as (keyof typeof attributes)[];
      await table.updateIfAllowed('msg_ref.put', {
        Key: { pk, sk },
        UpdateExpression: `SET ${names.map((name) => `#${name} = :${name}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(names.map((name) => [`#${name}`, name])),
        ExpressionAttributeValues: Object.fromEntries(names.map((name) => [`:${name}`, attributes[name]])),
      });
    },

    async findMessageLocation(workspace, msg) {
      const item = await table.get('msg_ref.get', messageKeys.ref(workspace, msg));
      return item ? fromMessageRefItem(workspace, item) : null;
    },
  };
}
