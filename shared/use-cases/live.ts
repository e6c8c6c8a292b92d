// Live updates (docs/live-updates.md): the WebSocket connections' own use cases
// ($connect, $disconnect, the client's frames) and the fan-out of the table's
// changes to them (the LiveUpdatesConsumer). Events carry exactly the views the
// REST API answers (views.ts), so a client can put an event where a fetched
// row was.
import { can } from '#domain/permissions';
import { maySeeTopic, parseClientFrame, type ErrorFrame, type LiveConnection } from '#domain/live';
import type { Ticket } from '#domain/ticket';
import { createAttachmentLinks, VIEW_LINK_SECONDS, type AttachmentReader } from './attachments';
import { conversationMsg } from './conversations';
import type { MessageRecord } from './flow-ports';
import type { ContactRepository, TicketRepository, WorkspaceDirectory } from './ports';
import { folderCountsView, ViewContext, type ConversationMsg, type FolderCountsView, type TicketView, type UserRef } from './views';

/** Where open connections are kept (shared/adapters/dynamodb/live-connection-repository.ts). */
export interface LiveConnectionStore {
  put(connection: LiveConnection): Promise<void>;
  get(workspace: string, connection: string): Promise<LiveConnection | null>;
  /** Every open connection of the workspace (one Query of its partition). */
  list(workspace: string): Promise<LiveConnection[]>;
  /** Sets the subscribed ticket (null: none); false when the connection is gone. */
  subscribe(workspace: string, connection: string, subscription: { ticket: string; contact: string } | null): Promise<boolean>;
  remove(workspace: string, connection: string): Promise<void>;
}

/** API Gateway's @connections (shared/adapters/apigateway/connection-poster.ts). */
export interface ConnectionPoster {
  /** Sends one text frame; `gone` when API Gateway answers 410 (the client left without a $disconnect we saw). */
  post(connection: string, data: string): Promise<'sent' | 'gone'>;
}

// ── Server → client frames (docs/live-updates.md) ──

export type LiveMsgStatus = Pick<ConversationMsg, 'uuid' | 'ticket_uuid' | 'status' | 'failed_reason' | 'modified_on'>;

export type ServerFrame =
  | { type: 'ticket_changed'; ticket: TicketView }
  | { type: 'ticket_hidden'; ticket_uuid: string; version: number }
  | { type: 'msg_created'; msg: ConversationMsg }
  | { type: 'msg_status_changed'; msg: LiveMsgStatus }
  | { type: 'counts_changed'; version: string; counts: FolderCountsView }
  | { type: 'typing'; ticket_uuid: string; user: UserRef }
  | { type: 'subscribed'; ticket_uuid: string | null }
  | { type: 'pong' }
  | ErrorFrame;

/** The identity $connect's authorizer resolved (shared/http/identity.ts), as every later frame carries it. */
export interface LiveIdentity {
  workspace: string;
  user: string;
  role: LiveConnection['role'];
}

export interface LiveDeps {
  connections: LiveConnectionStore;
  poster: ConnectionPoster;
  tickets: Pick<TicketRepository, 'get'>;
  contacts: Pick<ContactRepository, 'getMany'>;
  counts: { readCounts(workspace: string): Promise<Map<string, number>> };
  directory(workspace: string): Promise<WorkspaceDirectory>;
  attachments?: AttachmentReader;
  clock?: () => Date;
  /** Posts that failed for another reason than 410 (logged; the event is not retried). */
  onPostError?: (connection: string, error: unknown) => void;
}

/** Frames posted at once per event: API Gateway's @connections takes 10,000 requests a second per account and Region. */
const POST_CONCURRENCY = 32;

function notFound(): ErrorFrame {
  return { type: 'error', code: 'not_found', message: 'No such ticket, or not one you may see.' };
}

export function createLiveUseCases(deps: LiveDeps) {
  const clock = deps.clock ?? (() => new Date());
  const links = createAttachmentLinks(deps.attachments);

  /** Sends one frame to each connection; connections answering 410 are removed. Returns how many were sent. */
  async function postAll(workspace: string, targets: readonly LiveConnection[], frameOf: (connection: LiveConnection) => ServerFrame): Promise<number> {
    let sent = 0;
    const shared = new Map<ServerFrame, string>();
    for (let start = 0; start < targets.length; start += POST_CONCURRENCY) {
      await Promise.all(
        targets.slice(start, start + POST_CONCURRENCY).map(async (connection) => {
          const frame = frameOf(connection);
          let data = shared.get(frame);
          if (data === undefined) shared.set(frame, (data = JSON.stringify(frame)));
          try {
            if ((await deps.poster.post(connection.id, data)) === 'gone') await deps.connections.remove(workspace, connection.id);
            else sent++;
          } catch (error) {
            deps.onPostError?.(connection.id, error);
          }
        }),
      );
    }
    return sent;
  }

  /** The ticket when it exists in the workspace and the connection may see its topic. */
  async function visibleTicket(connection: Pick<LiveConnection, 'workspace' | 'topics'>, uuid: string): Promise<Ticket | null> {
    const ticket = await deps.tickets.get(connection.workspace, uuid);
    return ticket && maySeeTopic(connection, ticket.topic) ? ticket : null;
  }

  return {
    /** $connect: stores the connection. Every role that may see tickets may listen (all of them today). */
    async connect(identity: LiveIdentity, connectionId: string): Promise<boolean> {
      if (!can(identity.role, 'tickets.read')) return false;
      await deps.connections.put({
        id: connectionId,
        workspace: identity.workspace,
        user: identity.user,
        role: identity.role,
        topics: null,
        ticket: null,
        contact: null,
        connected_on: clock().toISOString(),
      });
      return true;
    },

    async disconnect(identity: LiveIdentity, connectionId: string): Promise<void> {
      await deps.connections.remove(identity.workspace, connectionId);
    },

    /** A client's frame (any route: the parser decides); the answer to send back, or null for none. */
    async frame(identity: LiveIdentity, connectionId: string, body: unknown): Promise<ServerFrame | null> {
      const parsed = parseClientFrame(body);
      if (!parsed.ok) return parsed.error;
      const { frame } = parsed;
      if (frame.action === 'ping') return { type: 'pong' };
      const connection = await deps.connections.get(identity.workspace, connectionId);
      // Gone (TTL, or a 410 seen by the consumer): the client reconnects on close.
      if (!connection) return { type: 'error', code: 'not_found', message: 'This connection is no longer registered; reconnect.' };
      if (frame.action === 'subscribe') {
        if (frame.ticket_uuid === null) {
          await deps.connections.subscribe(identity.workspace, connectionId, null);
          return { type: 'subscribed', ticket_uuid: null };
        }
        const ticket = await visibleTicket(connection, frame.ticket_uuid);
        if (!ticket) return notFound();
        await deps.connections.subscribe(identity.workspace, connectionId, { ticket: ticket.uuid, contact: ticket.contact });
        return { type: 'subscribed', ticket_uuid: ticket.uuid };
      }
      // typing: relayed to the other connections watching the ticket.
      if (connection.ticket !== frame.ticket_uuid && !(await visibleTicket(connection, frame.ticket_uuid))) return notFound();
      const [connections, directory] = await Promise.all([deps.connections.list(identity.workspace), deps.directory(identity.workspace)]);
      const watchers = connections.filter((other) => other.id !== connectionId && other.ticket === frame.ticket_uuid);
      const user = new ViewContext(directory).userRef(identity.user);
      await postAll(identity.workspace, watchers, () => ({ type: 'typing', ticket_uuid: frame.ticket_uuid, user }));
      return null;
    },

    /**
     * One batch of table changes of one workspace, in stream order: each becomes
     * its events for the connections that may see it. Nothing is read when the
     * workspace has no open connection. Count changes are folded into one
     * counts_changed (the latest) per batch.
     */
    async publish(workspace: string, changes: readonly LiveChange[]): Promise<{ posted: number }> {
      const connections = await deps.connections.list(workspace);
      if (connections.length === 0 || changes.length === 0) return { posted: 0 };
      let posted = 0;
      let views: ViewContext | undefined;
      let directory: WorkspaceDirectory | undefined;
      const ticketChanges = changes.filter((change): change is TicketChange => change.kind === 'ticket');
      if (changes.some((change) => change.kind !== 'counts')) {
        directory = await deps.directory(workspace);
        const contacts = ticketChanges.length ? await deps.contacts.getMany(workspace, [...new Set(ticketChanges.map((change) => change.after.contact))]) : [];
        views = new ViewContext(directory, contacts);
      }
      for (const change of changes) {
        if (change.kind === 'ticket') {
          const ticket = views!.ticket(change.after);
          const seeing = connections.filter((connection) => maySeeTopic(connection, change.after.topic));
          posted += await postAll(workspace, seeing, () => ({ type: 'ticket_changed', ticket }));
          const losing = change.before
            ? connections.filter((connection) => !maySeeTopic(connection, change.after.topic) && maySeeTopic(connection, change.before!.topic))
            : [];
          posted += await postAll(workspace, losing, () => ({ type: 'ticket_hidden', ticket_uuid: change.after.uuid, version: change.after.version }));
        } else if (change.kind === 'msg') {
          const watching = connections.filter((connection) => connection.contact === change.message.contact);
          if (watching.length === 0) continue;
          const message = { ...change.message, attachments: await links.readableAll(workspace, change.message.attachments, VIEW_LINK_SECONDS) };
          const msg = conversationMsg(views!, message);
          const frame: ServerFrame = change.created
            ? { type: 'msg_created', msg }
            : { type: 'msg_status_changed', msg: { uuid: msg.uuid, ticket_uuid: msg.ticket_uuid, status: msg.status, failed_reason: msg.failed_reason, modified_on: msg.modified_on } };
          posted += await postAll(workspace, watching, () => frame);
        }
      }
      const countChanges = changes.filter((change): change is CountsChange => change.kind === 'counts');
      if (countChanges.length) {
        const version = countChanges.map((change) => change.sequence).reduce((a, b) => (compareDecimal(a, b) >= 0 ? a : b));
        const [counts, countsDirectory] = await Promise.all([deps.counts.readCounts(workspace), directory ?? deps.directory(workspace)]);
        const byUser = new Map<string, ServerFrame>();
        posted += await postAll(workspace, connections, (connection) => {
          let frame = byUser.get(connection.user);
          if (!frame) {
            const all = folderCountsView(countsDirectory, counts, connection.user);
            // A connection limited to some topics counts only those topics' folders.
            const visible = connection.topics === null ? all : { ...all, topics: all.topics.filter((topic) => maySeeTopic(connection, topic.uuid)) };
            frame = { type: 'counts_changed', version, counts: visible };
            if (connection.topics === null) byUser.set(connection.user, frame);
          }
          return frame;
        });
      }
      return { posted };
    },
  };
}

export type LiveUseCases = ReturnType<typeof createLiveUseCases>;

/** A ticket item written (the stream's new image), with the one before when it changed. */
export type TicketChange = { kind: 'ticket'; before: Ticket | null; after: Ticket };
/** A message stored (`created`) or its status changed. */
export type MsgChange = { kind: 'msg'; created: boolean; message: MessageRecord };
/** A folder counter changed; `sequence` is the stream record's SequenceNumber (a decimal string, increasing in the counts partition). */
export type CountsChange = { kind: 'counts'; sequence: string };
export type LiveChange = TicketChange | MsgChange | CountsChange;

/** Compares two non-negative decimal integer strings (stream sequence numbers exceed Number's precision). */
export function compareDecimal(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  return x.length !== y.length ? x.length - y.length : x < y ? -1 : x > y ? 1 : 0;
}
