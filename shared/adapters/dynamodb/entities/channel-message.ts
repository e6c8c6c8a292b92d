// The guard item of an inbound channel message
// (`WS#w#CHMSG#<channel>#<external id>` / `CHMSG`): a gateway's (channel,
// external id) is stored once, so a gateway's retry is recognized; it points
// to what the first delivery stored.
import type { ChannelMessageRecord } from '#use-cases/ports';
import { epochSeconds, type StoredItem } from '../attributes';
import { ITEM_TYPE, workspacePk, type TableKey } from '../keys';
import { TTL_ATTRIBUTE } from '../table';
import type { Item } from '../table-client';

/** How long a gateway's retry of a message is recognized by its external id (courier retries within minutes). */
export const CHANNEL_MESSAGE_GUARD_TTL_SECONDS = 30 * 24 * 3600;

export const channelMessageKeys = {
  guard: (workspace: string, channel: string, externalId: string): TableKey => ({ pk: `${workspacePk(workspace)}#CHMSG#${channel}#${externalId}`, sk: 'CHMSG' }),
};

export type ChannelMessageItem = StoredItem<TableKey & {
  type: typeof ITEM_TYPE.channelMessage;
  workspace: string;
  channel_uuid: string;
  external_id: string;
  [TTL_ATTRIBUTE]: number;
} & ChannelMessageRecord>;

export interface ChannelMessageGuard {
  channel: string;
  external_id: string;
  record: ChannelMessageRecord;
}

/** Kept from `now`, not from the gateway's date (which may be anything). */
export function toChannelMessageItem(workspace: string, guard: ChannelMessageGuard, now: Date): ChannelMessageItem {
  return {
    ...channelMessageKeys.guard(workspace, guard.channel, guard.external_id),
    type: ITEM_TYPE.channelMessage,
    workspace,
    channel_uuid: guard.channel,
    external_id: guard.external_id,
    ...guard.record,
    [TTL_ATTRIBUTE]: epochSeconds(now) + CHANNEL_MESSAGE_GUARD_TTL_SECONDS,
  };
}

export function fromChannelMessageItem(item: Item): ChannelMessageRecord {
  return {
    msg_uuid: String(item.msg_uuid),
    contact_uuid: String(item.contact_uuid),
    ticket_uuid: (item.ticket_uuid as string | null | undefined) ?? null,
    received_on: String(item.received_on),
  };
}
