// Channels (docs/channels.md): a workspace's channels in one partition
// (`WS#w#CHANNELS` / `CHANNEL#<uuid>`, the list is one Query), and a global
// pointer per channel (`CHANNEL#<uuid>` / `CHANNEL`) — a full copy written in
// the same transaction — so the public `/c/…` routes, which know only the
// channel uuid, find it with one GetItem.
import type { Channel } from '#domain/channel';
import type { StoredItem } from '../attributes';
import { ITEM_TYPE, workspacePk, type TableKey } from '../keys';
import type { Item } from '../table-client';

export const channelKeys = {
  partition: (workspace: string) => `${workspacePk(workspace)}#CHANNELS`,
  channel: (workspace: string, channel: string): TableKey => ({ pk: channelKeys.partition(workspace), sk: `CHANNEL#${channel}` }),
  pointer: (channel: string): TableKey => ({ pk: `CHANNEL#${channel}`, sk: 'CHANNEL' }),
};

const CHANNEL_ATTRIBUTES = ['workspace', 'uuid', 'type', 'name', 'address', 'schemes', 'country', 'config', 'sealed_secrets', 'created_on', 'modified_on'] as const;

/** `type` is the item type on every item, so the channel's own type is stored as `channel_type`. */
type ChannelAttributes = { channel_type: Channel['type'] } & Omit<Channel, 'type'>;
export type ChannelItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.channel } & ChannelAttributes>;
export type ChannelPointerItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.channelPointer } & ChannelAttributes>;

/** Exactly the channel's own attributes (nothing else a caller's object carries). */
function channelAttributes(channel: Channel): ChannelAttributes {
  const { type, ...rest } = Object.fromEntries(CHANNEL_ATTRIBUTES.map((name) => [name, channel[name]])) as unknown as Channel;
  return { ...rest, channel_type: type };
}

export function toChannelItem(channel: Channel): ChannelItem {
  return { ...channelKeys.channel(channel.workspace, channel.uuid), ...channelAttributes(channel), type: ITEM_TYPE.channel };
}

export function toChannelPointerItem(channel: Channel): ChannelPointerItem {
  return { ...channelKeys.pointer(channel.uuid), ...channelAttributes(channel), type: ITEM_TYPE.channelPointer };
}

/** A channel item or its pointer: both hold the channel's attributes. */
export function fromChannelItem(item: Item): Channel {
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
