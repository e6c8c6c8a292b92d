// Every key of the single table, built in one place (docs/architecture.md,
// "Single table", is the table these functions implement). Every key of
// workspace data starts with `WS#<workspace>`, so no query can cross workspaces.
import { countKey } from '#domain/folder-counts';
import type { IdempotencyScope } from '#use-cases/ports';

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
} as const;

/** Sort-key prefixes of the items stored in a workspace's own partition. */
export const WORKSPACE_SK_PREFIX = { member: 'MEMBER#', memberEmail: 'MEMBEREMAIL#', topic: 'TOPIC#', topicName: 'TOPICNAME#' } as const;
/** The `WS#<workspace>` prefix: a workspace's own partition, and the start of every other key of its data. */
export const workspacePk = (workspace: string) => `WS#${workspace}`;

export const workspaceKeys = {
  workspace: (workspace: string): TableKey => ({ pk: workspacePk(workspace), sk: 'WORKSPACE' }),
  /** The partition holding the workspace, its members, topics, topic-name guards and topic counter. */
  partition: workspacePk,
  member: (workspace: string, user: string): TableKey => ({ pk: workspacePk(workspace), sk: `${WORKSPACE_SK_PREFIX.member}${user}` }),
  /** Guard item making member emails unique per workspace (`email` already lowercased). */
  memberEmail: (workspace: string, email: string): TableKey => ({ pk: workspacePk(workspace), sk: `${WORKSPACE_SK_PREFIX.memberEmail}${email}` }),
  /** Counter of the workspace's administrators: demoting or removing the last one fails its condition. */
  adminCounter: (workspace: string): TableKey => ({ pk: workspacePk(workspace), sk: 'ADMINS' }),
};

/** Users are global (one per email); their partition also lists the workspaces they belong to. */
export const userKeys = {
  partition: (user: string) => `USER#${user}`,
  user: (user: string): TableKey => ({ pk: `USER#${user}`, sk: 'USER' }),
  membership: (user: string, workspace: string): TableKey => ({ pk: `USER#${user}`, sk: `MEMBERSHIP#${workspace}` }),
  /** Guard item making emails unique across users, and the way from an email to its user (`email` already lowercased). */
  email: (email: string): TableKey => ({ pk: `USEREMAIL#${email}`, sk: 'USEREMAIL' }),
};

export const invitationKeys = {
  /** A workspace's pending invitations, one per email. */
  partition: (workspace: string) => `${workspacePk(workspace)}#INVITATIONS`,
  invitation: (workspace: string, email: string): TableKey => ({ pk: `${workspacePk(workspace)}#INVITATIONS`, sk: `INVITATION#${email}` }),
  /** The way from an invitation secret (its sha256) to the invitation. */
  secret: (sha256Hex: string): TableKey => ({ pk: `INVITE#${sha256Hex}`, sk: 'INVITE' }),
};

/** API tokens and sessions, found by the sha256 of the secret a request carries. */
export const tokenKeys = {
  token: (sha256Hex: string): TableKey => ({ pk: `TOKEN#${sha256Hex}`, sk: 'TOKEN' }),
  /** A user's API tokens in a workspace, for listing and revoking by id. */
  userTokens: (workspace: string, user: string) => `${workspacePk(workspace)}#USER#${user}#TOKENS`,
  userToken: (workspace: string, user: string, token: string): TableKey => ({ pk: tokenKeys.userTokens(workspace, user), sk: `TOKEN#${token}` }),
};

/** Fixed-window rate-limit counters, one item per subject and window (deleted by TTL after the window). */
export const rateLimitKeys = {
  signIn: (emailHash: string, windowStart: number): TableKey => ({ pk: `RATE#SIGNIN#${emailHash}`, sk: `WINDOW#${windowStart}` }),
  api: (workspace: string, windowStart: number): TableKey => ({ pk: `${workspacePk(workspace)}#RATE#API`, sk: `WINDOW#${windowStart}` }),
  /** Requests to a channel's public receive and status routes. */
  channel: (channel: string, windowStart: number): TableKey => ({ pk: `CHANNEL#${channel}#RATE`, sk: `WINDOW#${windowStart}` }),
};

export const contactKeys = {
  contact: (workspace: string, contact: string): TableKey => ({ pk: `${workspacePk(workspace)}#CONTACT#${contact}`, sk: 'CONTACT' }),
  /** The way from a URN (normalized) to its contact, written with the contact: one contact per URN. */
  urn: (workspace: string, urn: string): TableKey => ({ pk: `${workspacePk(workspace)}#URN#${urn}`, sk: 'URN' }),
};

/** Guard item of an inbound channel message: the same (channel, external id) is stored once. */
export const channelMessageKeys = {
  guard: (workspace: string, channel: string, externalId: string): TableKey => ({ pk: `${workspacePk(workspace)}#CHMSG#${channel}#${externalId}`, sk: 'CHMSG' }),
};

export const topicKeys = {
  topic: (workspace: string, topic: string): TableKey => ({ pk: workspacePk(workspace), sk: `${WORKSPACE_SK_PREFIX.topic}${topic}` }),
  /** Guard item making topic names unique per workspace, case-insensitively (`nameKey` is already lowercased). */
  name: (workspace: string, nameKey: string): TableKey => ({ pk: workspacePk(workspace), sk: `${WORKSPACE_SK_PREFIX.topicName}${nameKey}` }),
  /** Counter item enforcing the topic limit inside the creating transaction. */
  counter: (workspace: string): TableKey => ({ pk: workspacePk(workspace), sk: 'TOPICS' }),
};

export const idempotencyKeys = {
  record: (workspace: string, scope: IdempotencyScope, key: string): TableKey => ({ pk: `${workspacePk(workspace)}#IDEM#${scope}#${key}`, sk: 'IDEM' }),
};

/** Folder counts, maintained by the stream consumer: the partition, and the counters' sort keys (defined with the domain rule). */
export const countKeys = {
  partition: (workspace: string) => `${workspacePk(workspace)}#COUNTS`,
  ...countKey,
};

export const appliedEventKeys = {
  record: (workspace: string, eventId: string): TableKey => ({ pk: `${workspacePk(workspace)}#APPLIED#${eventId}`, sk: 'APPLIED' }),
};

/**
 * The flow engine's items: definitions and their shared assets in one
 * partition per workspace; a contact's flow session and messages beside the
 * contact item, in the contact's partition.
 */
export const flowKeys = {
  partition: (workspace: string) => `${workspacePk(workspace)}#FLOWS`,
  flow: (workspace: string, flow: string): TableKey => ({ pk: `${workspacePk(workspace)}#FLOWS`, sk: `FLOW#${flow}` }),
  /** Fields and groups of every export imported into the workspace. */
  assets: (workspace: string): TableKey => ({ pk: `${workspacePk(workspace)}#FLOWS`, sk: 'ASSETS' }),
  /** The contact's current session (at most one waits). */
  session: (workspace: string, contact: string): TableKey => ({ pk: contactKeys.contact(workspace, contact).pk, sk: 'FLOWSESSION' }),
  /** Messages in and out sort by creation time (then uuid), so newest first is a backwards Query. */
  message: (workspace: string, contact: string, createdOn: string, uuid: string): TableKey => ({
    pk: contactKeys.contact(workspace, contact).pk,
    sk: `${FLOW_SK_PREFIX.message}${createdOn}#${uuid}`,
  }),
};
export const FLOW_SK_PREFIX = { flow: 'FLOW#', message: 'MSG#' } as const;

/** Index names, as the table declares them (how each is keyed and what it projects: entities/ticket.ts, TICKET_INDEXES). */
export const INDEX = { gsi1: 'gsi1', gsi2: 'gsi2', gsi3: 'gsi3', gsi4: 'gsi4', gsi5: 'gsi5' } as const;
export type IndexName = keyof typeof INDEX;

/**
 * Closed-ticket triggers: one partition per workspace holding each trigger and
 * the set's version item, so a close reads them all with one Query and every
 * change is conditioned on the version the change was decided on.
 */
export const triggerKeys = {
  partition: (workspace: string) => `${workspacePk(workspace)}#TRIGGERS`,
  trigger: (workspace: string, trigger: string): TableKey => ({ pk: `${workspacePk(workspace)}#TRIGGERS`, sk: `TRIGGER#${trigger}` }),
  set: (workspace: string): TableKey => ({ pk: `${workspacePk(workspace)}#TRIGGERS`, sk: 'SET' }),
};

/**
 * Channels: a workspace's channels in one partition (the list is one Query),
 * and a global pointer per channel — a full copy written in the same
 * transaction — so the public `/c/…` routes, which know only the channel
 * uuid, find it with one GetItem.
 */
export const channelKeys = {
  partition: (workspace: string) => `${workspacePk(workspace)}#CHANNELS`,
  channel: (workspace: string, channel: string): TableKey => ({ pk: `${workspacePk(workspace)}#CHANNELS`, sk: `CHANNEL#${channel}` }),
  pointer: (channel: string): TableKey => ({ pk: `CHANNEL#${channel}`, sk: 'CHANNEL' }),
};

/** Where an outgoing message is stored, by its uuid: written when it is handed to a gateway, read by status callbacks. */
export const messageRefKeys = {
  ref: (workspace: string, msg: string): TableKey => ({ pk: `${workspacePk(workspace)}#MSGREF#${msg}`, sk: 'MSGREF' }),
};

/**
 * Live-update connections (WebSocket API, docs/live-updates.md): every open
 * connection of a workspace in one partition, so the live-updates consumer
 * finds the audience of an event with one Query (never a Scan).
 */
export const liveConnectionKeys = {
  partition: (workspace: string) => `${workspacePk(workspace)}#LIVE`,
  connection: (workspace: string, connection: string): TableKey => ({ pk: `${workspacePk(workspace)}#LIVE`, sk: `CONN#${connection}` }),
};
