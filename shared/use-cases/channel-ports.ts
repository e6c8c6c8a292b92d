// The ports of the channels part: channel storage, the sealed secrets, the
// gateways messages are sent through, and the conversations part's inbox that
// received messages are handed to (docs/channels.md).
import type { Channel, ChannelSecrets } from '#domain/channel';
import type { MessageRecord } from './flow-ports';

// --- the inbox (implemented by the conversations part, shared/use-cases/conversations.ts) ---

import type { ChannelRef } from '#domain/contact';
import type { ChannelMessageIn, ChannelMessageReceived } from './conversations';

export type { ChannelMessageIn, ChannelMessageReceived, ChannelRef };

/** What the receive endpoints hand messages and contact events to (the conversations part's use cases). */
export interface ChannelInbox {
  receiveFromChannel(input: ChannelMessageIn): Promise<ChannelMessageReceived>;
  /** Telegram /start: the contact of the URN, created if new (no message). */
  registerChannelContact(input: { workspace: string; channel: ChannelRef; urn: string; name?: string | null }): Promise<{ contact_uuid: string; created: boolean }>;
  /** `/c/ex/<ch>/stopped`: the contact of this URN is stopped. */
  stopChannelContact(input: { workspace: string; urn: string }): Promise<{ contact_uuid: string } | null>;
}

// --- storage ---

/** Where an outgoing message is stored, found by its uuid (status callbacks). */
export interface MessageLocation {
  workspace: string;
  contact: string;
  created_on: string;
  uuid: string;
  /** The uuid of the channel it was handed to (status callbacks of other channels are ignored). */
  sent_through?: string;
}

export interface StoredOutgoingMessage extends MessageRecord {
  workspace: string;
}

/** A status change of an outgoing message, applied only from the statuses in `from`. */
export interface MessageStatusChange {
  status: MessageRecord['status'];
  /** The statuses the message may be in for the change to apply. */
  from: MessageRecord['status'][];
  /** When `from` has `failed`: only a message failed for this reason (a redrive of exhausted retries), never one a gateway failed. */
  failedOnlyFor?: string;
  modified_on: string;
  external_id?: string | null;
  failed_reason?: string | null;
  /** Adds 1 to `attempts`. */
  countAttempt?: boolean;
  /** The channel it went out on. */
  channel?: ChannelRef;
}

export interface ChannelRepository {
  /** The channel and its global pointer, in one transaction. */
  create(channel: Channel): Promise<void>;
  /** Replaces the channel and its pointer if it is still at `previous.modified_on` (StaleWriteError otherwise); NotFoundError when gone. */
  update(channel: Channel, previous: Channel): Promise<void>;
  /** Deletes the channel and its pointer; false when it did not exist. */
  delete(workspace: string, channel: string): Promise<boolean>;
  get(workspace: string, channel: string): Promise<Channel | null>;
  /** The workspace's channels, oldest first. */
  list(workspace: string): Promise<Channel[]>;
  /** The channel by uuid alone (the public routes): one GetItem of its global pointer. */
  findByUuid(channel: string): Promise<Channel | null>;
  /** The message as stored (consistent read). */
  getMessage(location: MessageLocation): Promise<StoredOutgoingMessage | null>;
  /** Applies the change if the message's status is one of `change.from`; false when it is not (nothing written). */
  updateMessageStatus(location: MessageLocation, change: MessageStatusChange): Promise<boolean>;
  /** Records where the message is, so that status callbacks find it by uuid (idempotent). */
  putMessageLocation(location: MessageLocation): Promise<void>;
  findMessageLocation(workspace: string, msg: string): Promise<MessageLocation | null>;
}

/** Seals and opens channel secrets (AES-256-GCM; the key comes from Secrets Manager). */
export interface SecretBox {
  seal(plaintext: string, context: string): Promise<string>;
  open(sealed: string, context: string): Promise<string>;
}

// --- gateways ---

export interface OutgoingMessage {
  uuid: string;
  urn: string;
  text: string;
  attachments: string[];
  quick_replies: string[];
}

/**
 * How one send ended. `retry`: a timeout, a refused connection, 429 or 5xx —
 * try again later. `fail`: the gateway refused the message (any other 4xx, a
 * failed response check) — trying again would not help.
 */
export type SendOutcome =
  | { kind: 'sent'; externalId: string | null }
  | { kind: 'retry'; reason: string }
  | { kind: 'fail'; reason: string };

export interface ChannelSender {
  send(channel: Channel, secrets: ChannelSecrets, message: OutgoingMessage): Promise<SendOutcome>;
}

/** Downloads a file a contact sent to a bot: getFile, then the file's URL (which carries the bot token). */
export interface TelegramFiles {
  /** The file's bytes and Telegram's path of it; throws when Telegram does not hand it out (or it is over `maxBytes`). */
  download(authToken: string, fileId: string, maxBytes: number): Promise<{ bytes: Uint8Array; filePath: string }>;
}

/** Stores a received file in the attachments bucket; answers the object's URL (the form POST /attachments answers). */
export interface AttachmentSink {
  putObject(request: { key: string; body: Uint8Array; contentType: string }): Promise<string>;
}

/** What creating a Telegram channel asks the Bot API. */
export interface TelegramSetup {
  getMe(authToken: string): Promise<{ username: string }>;
  setWebhook(authToken: string, url: string, secretToken: string): Promise<void>;
  /** Stops Telegram from posting updates (the channel is deleted). */
  deleteWebhook(authToken: string): Promise<void>;
}
