// Conversations: contacts writing in through channels (found or created by
// URN, each gateway message stored once, then routed by the flow use cases),
// agents replying from a ticket, RapidPro's messages API, a ticket's
// conversation view, and upload URLs for attachments (docs/api.md,
// "Conversations"; the channels part calls receiveFromChannel,
// registerChannelContact and stopChannelContact).
import { contactStatus, MAX_CONTACT_NAME_LENGTH, validateUrn, type ChannelRef, type Contact } from '#domain/contact';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#domain/errors';
import { newId } from '#domain/ids';
import { formatTimestamp } from '#domain/time';
import * as tickets from '#domain/ticket';
import { createAttachmentLinks, VIEW_LINK_SECONDS, type AttachmentReader } from './attachments';
import type { Actor, UseCaseContext } from './context';
import { DuplicateChannelMessageError, type MessageRecord } from './flow-ports';
import type { MessageView } from './flows';
import { StaleWriteError, type ConversationEntry, type WorkspaceDirectory } from './ports';
import { retryOnStaleWrite } from './retry';
import { ViewContext, type ConversationItem, type ConversationMsg, type Page } from './views';

/** A message a channel received (the channels part parses the gateway's request into this). */
export interface ChannelMessageIn {
  workspace: string;
  channel: ChannelRef;
  /** Normalized: `tel:+254700000001`, `telegram:12345678`, `ext:abc`. */
  urn: string;
  /** May be '' when there are attachments. */
  text: string;
  /** `image/jpeg:https://...` (RapidPro's content-type:url form) or plain URLs. */
  attachments: string[];
  /** The gateway's id; the same (channel, external_id) twice is one message. */
  external_id: string | null;
  /** ISO-8601 UTC. */
  received_on: string;
  contact_name?: string | null;
}

export interface ChannelMessageReceived {
  msg_uuid: string;
  contact_uuid: string;
  ticket_uuid: string | null;
  received_on: string;
  duplicate: boolean;
}

/** A channel message once stored: its contact and uuid beside what the channel received. */
export type RoutedChannelMessage = Omit<ChannelMessageIn, 'contact_name'> & { contact: string; msg_uuid: string };

/** What routes a stored contact's channel message (the flow use cases' routeChannelMessage). */
export interface InboundRouter {
  routeChannelMessage(input: RoutedChannelMessage): Promise<{ ticket_uuid: string | null }>;
}

/** Presigned uploads of attachments, and reads of them (shared/adapters/s3/attachment-store.ts). */
export interface AttachmentStore extends AttachmentReader {
  createUploadUrl(request: { key: string; contentType: string; size?: number; expiresInSeconds: number }): Promise<AttachmentUpload>;
}

export interface AttachmentUpload {
  /** PUT the file here, with `headers`. */
  upload_url: string;
  /** The object's URL: what goes into a message's `attachments`. */
  url: string;
  headers: Record<string, string>;
}

export interface ReplyInput {
  text: string;
  attachments?: string[];
  quick_replies?: string[];
}

/** Limits of an outgoing message: RapidPro's (4096 is also Telegram's and most gateways' single-part length; longer ones are split by delivery). */
export const MAX_REPLY_TEXT_LENGTH = 4096;
export const MAX_REPLY_ATTACHMENTS = 10;
export const MAX_QUICK_REPLIES = 10;
export const MAX_QUICK_REPLY_LENGTH = 64;
export const MAX_ATTACHMENT_URL_LENGTH = 2048;
export const MAX_EXTERNAL_ID_LENGTH = 255;
/** Conversation pages: 50 items, newest first. */
export const CONVERSATION_PAGE_SIZE = 50;
/** A ticket's conversation starts at most this long before it was opened (or at the contact's previous ticket's close, if later). */
export const CONVERSATION_LOOKBACK_DAYS = 30;
/** Upload URLs: the file types a chat channel can carry, 25 MB at most, valid 15 minutes. */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
export const UPLOAD_URL_SECONDS = 15 * 60;
const ALLOWED_CONTENT_TYPE =
  /^(?:(?:image|audio|video)\/[a-z0-9][a-z0-9.+-]{0,63}|application\/(?:pdf|msword|vnd\.ms-excel|vnd\.ms-powerpoint|vnd\.openxmlformats-officedocument\.[a-z.]{1,64}|vnd\.oasis\.opendocument\.[a-z.]{1,64}|zip)|text\/(?:plain|csv))$/;

/** A filename safe as an S3 key segment and a download name: letters, digits, `.`, `-`, `_`; at most 100 characters. */
export function sanitizeFilename(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/_+/g, '_')
    .slice(-100)
    .replace(/^[._-]+/, '');
  return cleaned === '' ? 'file' : cleaned;
}

export function validateOutgoing(input: ReplyInput): { text: string; attachments: string[]; quick_replies: string[] } {
  const text = input.text ?? '';
  const attachments = input.attachments ?? [];
  const quickReplies = input.quick_replies ?? [];
  if (typeof text !== 'string' || text.length > MAX_REPLY_TEXT_LENGTH) throw new ValidationError('text', `The text is longer than ${MAX_REPLY_TEXT_LENGTH} characters.`);
  if (attachments.length > MAX_REPLY_ATTACHMENTS) throw new ValidationError('attachments', `A message has at most ${MAX_REPLY_ATTACHMENTS} attachments.`);
  attachments.forEach((attachment, index) => {
    if (attachment.length === 0 || attachment.length > MAX_ATTACHMENT_URL_LENGTH)
      throw new ValidationError(`attachments.${index}`, `An attachment is a URL of at most ${MAX_ATTACHMENT_URL_LENGTH} characters.`);
  });
  if (quickReplies.length > MAX_QUICK_REPLIES) throw new ValidationError('quick_replies', `A message has at most ${MAX_QUICK_REPLIES} quick replies.`);
  quickReplies.forEach((reply, index) => {
    if (reply.trim() === '' || reply.length > MAX_QUICK_REPLY_LENGTH)
      throw new ValidationError(`quick_replies.${index}`, `A quick reply has 1 to ${MAX_QUICK_REPLY_LENGTH} characters.`);
  });
  if (text.trim() === '' && attachments.length === 0) throw new ValidationError('text', 'A message needs text or attachments.');
  return { text, attachments, quick_replies: quickReplies };
}

/** A message as the conversation shows it: the agent joined by name. */
export function conversationMsg(views: ViewContext, message: MessageRecord): ConversationMsg {
  return {
    uuid: message.uuid,
    direction: message.direction,
    text: message.text,
    attachments: message.attachments,
    quick_replies: message.quick_replies ?? [],
    status: message.status,
    urn: message.urn,
    channel: message.channel ?? null,
    user: message.user_uuid ? views.userRef(message.user_uuid) : null,
    flow: message.flow,
    ticket_uuid: message.ticket_uuid ?? null,
    created_on: message.created_on,
    modified_on: message.modified_on,
    failed_reason: message.failed_reason ?? null,
  };
}

function refuseUnlessActive(contact: Contact): void {
  const status = contactStatus(contact);
  if (status === 'stopped') throw new ConflictError('contact_stopped', 'The contact has stopped: nothing can be sent to it.');
  if (status === 'blocked') throw new ConflictError('contact_blocked', 'The contact is blocked: nothing can be sent to it.');
}

/**
 * A message to the contact, queued for delivery through the channel it last wrote in: refused for a
 * stopped or blocked contact (409) and one without a URN to send to (409).
 */
function outgoingMessage(
  contact: Contact,
  content: { text: string; attachments: string[]; quick_replies: string[] },
  from: { origin: 'ticket' | 'api'; user: string | null; ticket: string | null; at: string },
): MessageRecord {
  refuseUnlessActive(contact);
  const urn = contact.urns[0];
  if (!urn) throw new ConflictError('contact_has_no_urn', 'The contact has no URN to send to.');
  return {
    uuid: newId(),
    contact: contact.uuid,
    direction: 'out',
    type: 'text',
    status: 'queued',
    text: content.text,
    attachments: content.attachments,
    urn,
    flow: null,
    created_on: from.at,
    modified_on: from.at,
    origin: from.origin,
    channel: contact.last_channel ?? null,
    ticket_uuid: from.ticket,
    user_uuid: from.user,
    quick_replies: content.quick_replies,
  };
}

function ticketNotFound(): NotFoundError {
  return new NotFoundError('ticket_not_found', 'No such ticket.');
}

export function createConversationUseCases(context: UseCaseContext) {
  const { repos, deps } = context;
  const links = createAttachmentLinks(deps.attachments);
  /** The message as answered: attachments of the workspace's bucket as short-lived presigned GETs (stored: the object URLs). */
  const readable = async <T extends { attachments: string[] }>(workspace: string, message: T): Promise<T> => ({
    ...message,
    attachments: await links.readableAll(workspace, message.attachments, VIEW_LINK_SECONDS),
  });

  /** The contact holding the URN, created (with the URN's guard, in one transaction) when there is none. */
  async function contactForUrn(workspace: string, urn: string, name: string | null, channel: ChannelRef): Promise<{ contact: string; created: boolean }> {
    return retryOnStaleWrite(async () => {
      const found = await repos.conversations.findContactByUrn(workspace, urn);
      if (found) return { contact: found, created: false };
      const now = context.now();
      const contact: Contact = {
        workspace,
        uuid: newId(),
        name: name ? name.trim().slice(0, MAX_CONTACT_NAME_LENGTH) || null : null,
        language: null,
        urns: [urn],
        fields: {},
        open_ticket: null,
        status: 'active',
        last_channel: channel,
        created_on: now,
        modified_on: now,
        version: 1,
      };
      if (await repos.conversations.createContactWithUrns(contact)) return { contact: contact.uuid, created: true };
      // Another first message of this URN created it meanwhile: the next round finds it.
      throw new StaleWriteError('The URN was taken meanwhile.');
    });
  }

  function validateChannelInput(input: { workspace: string; channel: ChannelRef; urn: string }): string {
    if (!input.channel?.uuid) throw new ValidationError('channel', 'The channel is missing.');
    return validateUrn(input.urn);
  }

  /**
   * An agent's reply (or the messages API's message to a contact with an open ticket), in one transaction
   * with the ticket: replied_on, last_activity_on, auto-assignment (recorded in the history).
   */
  async function reply(actor: Actor, ticketUuid: string, input: ReplyInput, origin: 'ticket' | 'api'): Promise<{ message: MessageRecord; directory: WorkspaceDirectory }> {
    if (actor.user === null) throw new ForbiddenError('permission_denied', 'Replies need a user.');
    const user = actor.user;
    const content = validateOutgoing(input);
    return retryOnStaleWrite(async () => {
      const [ticket, directory] = await Promise.all([
        repos.tickets.get(actor.workspace, ticketUuid),
        context.directory(actor.workspace, { consistent: true }),
      ]);
      if (!ticket) throw ticketNotFound();
      const member = directory.members.find((candidate) => candidate.uuid === user);
      if (ticket.status === 'open' && ticket.assignee !== null && ticket.assignee !== user && member?.can_reply_non_own === false)
        throw new ForbiddenError('cannot_reply_non_own', 'You may not reply to tickets assigned to someone else.');
      const at = context.now();
      const decided = tickets.recordReply(ticket, { user, now: at }, content.text);
      const contact = await repos.contacts.get(actor.workspace, ticket.contact, { consistent: true });
      if (!contact) throw new NotFoundError('contact_not_found', 'The ticket’s contact is missing.');
      const message = outgoingMessage(contact, content, { origin, user, ticket: ticket.uuid, at });
      await repos.conversations.saveReply({ message, ticket: decided.ticket, events: decided.events });
      return { message, directory };
    });
  }

  return {
    /**
     * A contact's message through a channel: the contact found by URN (a new
     * URN creates it), the message stored once per (channel, external_id) — a
     * gateway's retry answers the first message's uuid with `duplicate: true` —
     * then routed (flows.ts routeChannelMessage: open ticket, paused bot, keyword
     * and catch-all triggers, waiting sessions).
     */
    async receiveFromChannel(input: ChannelMessageIn): Promise<ChannelMessageReceived> {
      const router = deps.inbound;
      if (!router) throw new Error('receiveFromChannel needs the flow use cases (deps.inbound)');
      const urn = validateChannelInput(input);
      if (input.external_id !== null && (input.external_id.length === 0 || input.external_id.length > MAX_EXTERNAL_ID_LENGTH))
        throw new ValidationError('external_id', `The external id has 1 to ${MAX_EXTERNAL_ID_LENGTH} characters.`);
      const receivedAt = Date.parse(input.received_on);
      if (!Number.isFinite(receivedAt)) throw new ValidationError('received_on', 'The date is not an ISO-8601 timestamp.');
      const receivedOn = formatTimestamp(new Date(receivedAt));
      await context.directory(input.workspace);

      const duplicateOf = async (): Promise<ChannelMessageReceived | null> => {
        if (input.external_id === null) return null;
        const first = await repos.conversations.findChannelMessage(input.workspace, input.channel.uuid, input.external_id);
        return first && { msg_uuid: first.msg_uuid, contact_uuid: first.contact_uuid, ticket_uuid: first.ticket_uuid, received_on: first.received_on, duplicate: true };
      };
      const earlier = await duplicateOf();
      if (earlier) return earlier;
      const { contact } = await contactForUrn(input.workspace, urn, input.contact_name ?? null, input.channel);
      const msgUuid = newId();
      try {
        const routed = await router.routeChannelMessage({
          workspace: input.workspace,
          contact,
          channel: { uuid: input.channel.uuid, name: input.channel.name },
          urn,
          text: input.text,
          attachments: input.attachments,
          external_id: input.external_id,
          received_on: receivedOn,
          msg_uuid: msgUuid,
        });
        return { msg_uuid: msgUuid, contact_uuid: contact, ticket_uuid: routed.ticket_uuid, received_on: receivedOn, duplicate: false };
      } catch (error) {
        if (!(error instanceof DuplicateChannelMessageError)) throw error;
        // The same gateway message raced this one and was stored first.
        const first = await duplicateOf();
        if (!first) throw error;
        return first;
      }
    },

    /** Telegram /start, a new conversation: creates the contact for the URN if none (name given), no message. */
    async registerChannelContact(input: { workspace: string; channel: ChannelRef; urn: string; name?: string | null }): Promise<{ contact_uuid: string; created: boolean }> {
      const urn = validateChannelInput(input);
      await context.directory(input.workspace);
      const { contact, created } = await contactForUrn(input.workspace, urn, input.name ?? null, input.channel);
      return { contact_uuid: contact, created };
    },

    /** A gateway's stop: the contact of this URN is stopped (replies to it are 409 `contact_stopped`); null when no contact holds the URN. */
    async stopChannelContact(input: { workspace: string; urn: string }): Promise<{ contact_uuid: string } | null> {
      const urn = validateUrn(input.urn);
      const contact = await repos.conversations.findContactByUrn(input.workspace, urn);
      if (!contact) return null;
      return (await repos.conversations.setContactStatus(input.workspace, contact, 'stopped')) ? { contact_uuid: contact } : null;
    },

    /** `POST /tickets/{ticket}/messages`: an agent's reply to the ticket's contact. */
    async replyToTicket({ actor, ticket, input }: { actor: Actor; ticket: string; input: ReplyInput }): Promise<ConversationMsg> {
      const { message, directory } = await reply(actor, ticket, input, 'ticket');
      return readable(actor.workspace, conversationMsg(new ViewContext(directory), message));
    },

    /**
     * RapidPro's `POST /api/v2/messages.json`: a reply on the contact's open
     * ticket when it has one, else a plain outgoing message (origin `api`).
     */
    async sendMessage({ actor, contact: contactUuid, input }: { actor: Actor; contact: string; input: ReplyInput }): Promise<MessageView> {
      const content = validateOutgoing(input);
      const contact = await repos.contacts.get(actor.workspace, contactUuid, { consistent: true });
      if (!contact) throw new ValidationError('contact', 'No such contact.', 'contact_not_found');
      const withContact = ({ contact: _contact, ...message }: MessageRecord): Promise<MessageView> =>
        readable(actor.workspace, { ...message, contact: { uuid: contact.uuid, name: contact.name } });
      if (contact.open_ticket) {
        try {
          return await withContact((await reply(actor, contact.open_ticket, content, 'api')).message);
        } catch (error) {
          // Closed meanwhile: a plain message, as if it had had no ticket.
          if (!(error instanceof ConflictError && error.code === 'ticket_closed')) throw error;
        }
      }
      const message = outgoingMessage(contact, content, { origin: 'api', user: actor.user, ticket: null, at: context.now() });
      await repos.conversations.saveOutgoing(actor.workspace, message);
      return withContact(message);
    },

    /**
     * `GET /tickets/{ticket}/conversation`: the contact's messages around the
     * ticket merged with the ticket's history, newest first, 50 a page. The
     * window: from the later of 30 days before the ticket opened and the close
     * of the contact's previous ticket, until the ticket closed (open: until now).
     */
    async getConversation({ actor, ticket: ticketUuid, cursor }: { actor: Actor; ticket: string; cursor?: string }): Promise<Page<ConversationItem>> {
      const [ticket, directory] = await Promise.all([repos.tickets.get(actor.workspace, ticketUuid), context.directory(actor.workspace)]);
      if (!ticket) throw ticketNotFound();
      const others = await repos.tickets.listByModified({ workspace: actor.workspace, contact: ticket.contact, limit: 250 });
      const lookback = formatTimestamp(new Date(Date.parse(ticket.opened_on) - CONVERSATION_LOOKBACK_DAYS * 24 * 3600 * 1000));
      const previousClose = others.tickets
        .filter((other) => other.uuid !== ticket.uuid && other.closed_on !== null && other.closed_on <= ticket.opened_on)
        .reduce((latest, other) => (other.closed_on! > latest ? other.closed_on! : latest), '');
      const from = previousClose > lookback ? previousClose : lookback;
      const page = await repos.conversations.conversationPage({
        workspace: actor.workspace,
        ticket: ticket.uuid,
        contact: ticket.contact,
        from,
        to: ticket.status === 'closed' ? ticket.closed_on : null,
        limit: CONVERSATION_PAGE_SIZE,
        ...(cursor ? { cursor } : {}),
      });
      const views = new ViewContext(directory);
      const results = await Promise.all(
        page.entries.map((entry) => {
          const item = conversationItem(views, entry);
          return item.kind === 'msg' ? readable(actor.workspace, item) : item;
        }),
      );
      return { results, next_cursor: page.nextCursor };
    },

    /** `POST /attachments`: a presigned PUT for one file of an allowed type under the workspace's prefix. */
    async createAttachmentUpload({ actor, content_type, filename, size }: { actor: Actor; content_type: string; filename: string; size?: number }): Promise<AttachmentUpload> {
      const contentType = content_type.trim().toLowerCase();
      if (!ALLOWED_CONTENT_TYPE.test(contentType))
        throw new ValidationError('content_type', 'Attachments are images, audio, video, PDF, office documents, zip, plain text or CSV.', 'content_type_not_allowed');
      if (filename.length === 0 || filename.length > 255) throw new ValidationError('filename', 'The filename has 1 to 255 characters.');
      if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > MAX_ATTACHMENT_BYTES))
        throw new ValidationError('size', `The size is a whole number of bytes from 1 to ${MAX_ATTACHMENT_BYTES}.`);
      const store = deps.attachments;
      if (!store) throw new Error('Attachment uploads are not configured (ATTACHMENTS_BUCKET_NAME).');
      await context.directory(actor.workspace);
      return store.createUploadUrl({
        key: `${actor.workspace}/${newId()}/${sanitizeFilename(filename)}`,
        contentType,
        ...(size !== undefined ? { size } : {}),
        expiresInSeconds: UPLOAD_URL_SECONDS,
      });
    },
  };
}

function conversationItem(views: ViewContext, entry: ConversationEntry): ConversationItem {
  return entry.kind === 'msg' ? { kind: 'msg', ...conversationMsg(views, entry.msg) } : { kind: 'event', ...views.event(entry.event) };
}
