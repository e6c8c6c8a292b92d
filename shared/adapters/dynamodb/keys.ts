// What every item of the single table shares (docs/architecture.md, "Single
// table"): the key attributes, the `type` attribute's values, the index names,
// and the `WS#<workspace>` prefix every key of workspace data starts with, so no
// query can cross workspaces. Each entity's own keys live in its module,
// entities/<entity>.ts, beside its item shape.

export interface TableKey {
  pk: string;
  sk: string;
}

/** The `type` attribute of every item; the stream pipe filters on it. */
export const ITEM_TYPE = {
  workspace: 'workspace',
  member: 'member',
  memberEmail: 'member_email',
  apiToken: 'api_token',
  apiTokenRef: 'api_token_ref',
  session: 'session',
  user: 'user',
  userEmail: 'user_email',
  membership: 'membership',
  adminCounter: 'admin_counter',
  invitation: 'invitation',
  invitationSecret: 'invitation_secret',
  rateCounter: 'rate_counter',
  contact: 'contact',
  topic: 'topic',
  topicName: 'topic_name',
  topicCounter: 'topic_counter',
  ticket: 'ticket',
  ticketEvent: 'ticket_event',
  idempotency: 'idempotency',
  count: 'count',
  appliedEvent: 'applied_event',
  flow: 'flow',
  flowAssets: 'flow_assets',
  flowSession: 'flow_session',
  message: 'msg',
  trigger: 'trigger',
  triggerSet: 'trigger_set',
  channel: 'channel',
  channelPointer: 'channel_pointer',
  messageRef: 'msg_ref',
  contactUrn: 'contact_urn',
  channelMessage: 'channel_msg',
  liveConnection: 'live_connection',
  config: 'config',
} as const;

/** The `WS#<workspace>` prefix: a workspace's own partition, and the start of every other key of its data. */
export const workspacePk = (workspace: string) => `WS#${workspace}`;

/** Index names, as the table declares them (how each is keyed and what it projects: entities/ticket.ts, TICKET_INDEXES). */
export const INDEX = { gsi1: 'gsi1', gsi2: 'gsi2', gsi3: 'gsi3', gsi4: 'gsi4', gsi5: 'gsi5' } as const;
export type IndexName = keyof typeof INDEX;
