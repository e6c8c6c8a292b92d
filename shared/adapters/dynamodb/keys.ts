// What every item of the single table shares (docs/architecture.md, "Single
// table"): the key attributes, the `type` attribute's values, the index names,
// and the `WS#<workspace>` prefix every key of workspace data starts with, so no
// query can cross workspaces. Each entity's own keys live in its module,
// entities/<entity>.ts, beside its item shape.
import type { Ticket, TicketStatus } from '#domain/ticket';

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

export const TICKET_EVENT_SK_PREFIX = 'EVENT#';

/** The `WS#<workspace>` prefix: a workspace's own partition, and the start of every other key of its data. */
export const workspacePk = (workspace: string) => `WS#${workspace}`;

export const ticketKeys = {
  partition: (workspace: string, ticket: string) => `${workspacePk(workspace)}#TICKET#${ticket}`,
  ticket: (workspace: string, ticket: string): TableKey => ({ pk: ticketKeys.partition(workspace, ticket), sk: 'TICKET' }),
  event: (workspace: string, ticket: string, event: string): TableKey => ({
    pk: ticketKeys.partition(workspace, ticket),
    sk: `${TICKET_EVENT_SK_PREFIX}${event}`,
  }),
};

/** Partition keys of the ticket indexes; a ticket's sort keys come from `ticketIndexKeys`. */
export const ticketIndexPartitions = {
  /** gsi1: folder All. */
  status: (workspace: string, status: TicketStatus) => `${workspacePk(workspace)}#STATUS#${status}`,
  /** gsi2: folders Mine (a user) and Unassigned (`null`). */
  assignee: (workspace: string, assignee: string | null, status: TicketStatus) =>
    `${workspacePk(workspace)}#ASSIGNEE#${assignee ?? 'none'}#STATUS#${status}`,
  /** gsi3: one folder per topic. */
  topic: (workspace: string, topic: string, status: TicketStatus) => `${workspacePk(workspace)}#TOPIC#${topic}#STATUS#${status}`,
  /** gsi4: RapidPro API v2 ticket list. */
  tickets: (workspace: string) => `${workspacePk(workspace)}#TICKETS`,
  /** gsi5: RapidPro API v2 ticket list filtered by contact. */
  contactTickets: (workspace: string, contact: string) => `${workspacePk(workspace)}#CONTACT#${contact}#TICKETS`,
};

/** The index attributes a ticket item carries, so each folder is one Query on one index. */
export function ticketIndexKeys(
  ticket: Pick<Ticket, 'workspace' | 'uuid' | 'status' | 'contact' | 'topic' | 'assignee' | 'last_activity_on' | 'modified_on'>,
) {
  const byActivity = `${ticket.last_activity_on}#${ticket.uuid}`;
  const byModification = `${ticket.modified_on}#${ticket.uuid}`;
  return {
    gsi1pk: ticketIndexPartitions.status(ticket.workspace, ticket.status),
    gsi1sk: byActivity,
    gsi2pk: ticketIndexPartitions.assignee(ticket.workspace, ticket.assignee, ticket.status),
    gsi2sk: byActivity,
    gsi3pk: ticketIndexPartitions.topic(ticket.workspace, ticket.topic, ticket.status),
    gsi3sk: byActivity,
    gsi4pk: ticketIndexPartitions.tickets(ticket.workspace),
    gsi4sk: byModification,
    gsi5pk: ticketIndexPartitions.contactTickets(ticket.workspace, ticket.contact),
    gsi5sk: byModification,
  };
}

/** Index names, as the table declares them. */
export const INDEX = { gsi1: 'gsi1', gsi2: 'gsi2', gsi3: 'gsi3', gsi4: 'gsi4', gsi5: 'gsi5' } as const;
export type IndexName = keyof typeof INDEX;
