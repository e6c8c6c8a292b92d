// Delivery of outgoing messages (docs/channels.md "Delivery"): the delivery
// consumer hands each new outgoing message (a msg INSERT from the table's
// stream, through the deliveries FIFO queue, one message group per contact)
// here. The message is read again (consistent), sent only from a status that
// has not been sent yet, through its channel, and its status moves
// conditionally, so a duplicate stream record sends nothing. Attachments of
// our (private) bucket go to the gateway as presigned GETs (attachments.ts).
import { urnScheme, type Channel, type ChannelSecrets, type ChannelType } from '#domain/channel';
import { retryBackoffSeconds } from '#domain/backoff';
import { formatTimestamp } from '#domain/time';
import { createAttachmentLinks, DELIVERY_LINK_SECONDS, type AttachmentReader } from './attachments';
import type { ChannelRef, ChannelRepository, ChannelSender, MessageLocation, SecretBox, StoredOutgoingMessage } from './channel-ports';
import type { MessageRecord } from './flow-ports';

/** Tries of one message before it is `failed` and parked in the dead-letter queue (the queue's maxReceiveCount). */
export const DELIVERY_MAX_ATTEMPTS = 5;
/** The failed_reason of a message whose retries ran out; a redrive from the DLQ tries such a message again. */
export const RETRIES_EXHAUSTED = 'retries_exhausted';
/** The longest wait between two tries (SQS allows 12 h; a contact's later messages wait behind it). */
const MAX_BACKOFF_SECONDS = 15 * 60;

export interface DeliveryDeps {
  channels: ChannelRepository;
  secrets: SecretBox;
  senders: Record<ChannelType, ChannelSender>;
  /** The attachments bucket: its objects are sent as presigned GET URLs; without it attachments go out as stored. */
  attachments?: AttachmentReader;
  /** Seconds before the second try; each later try waits twice as long (default 5). */
  retryBaseSeconds?: number;
  maxAttempts?: number;
  clock?: () => Date;
}

export type DeliveryResult =
  | { kind: 'skipped'; reason: string }
  | { kind: 'wired'; channel: ChannelRef; externalId: string | null }
  | { kind: 'failed'; reason: string }
  /** Try again after `delaySeconds` (report the queue message failed); `final`: the message is now failed and goes to the DLQ. */
  | { kind: 'retry'; reason: string; delaySeconds: number; final: boolean };

/** The statuses a message is sent from: not yet handed to a gateway, or failed by exhausted retries (a redrive). */
function sendable(message: StoredOutgoingMessage): boolean {
  if (message.direction !== 'out') return false;
  if (message.status === 'queued' || message.status === 'errored') return true;
  return message.status === 'failed' && message.failed_reason === RETRIES_EXHAUSTED;
}
const SENDABLE: MessageRecord['status'][] = ['queued', 'errored', 'failed'];

export function backoffSeconds(receiveCount: number, baseSeconds: number): number {
  return retryBackoffSeconds(receiveCount, baseSeconds, MAX_BACKOFF_SECONDS);
}

export function createDelivery(deps: DeliveryDeps) {
  const clock = deps.clock ?? (() => new Date());
  const now = () => formatTimestamp(clock());
  const maxAttempts = deps.maxAttempts ?? DELIVERY_MAX_ATTEMPTS;
  const base = deps.retryBaseSeconds ?? 5;
  const links = createAttachmentLinks(deps.attachments);

  /** The message's channel if it still exists (and serves the URN's scheme), else the oldest channel serving the scheme. */
  async function pickChannel(message: StoredOutgoingMessage): Promise<Channel | null> {
    const scheme = message.urn ? urnScheme(message.urn) : null;
    if (!scheme) return null;
    if (message.channel?.uuid) {
      const chosen = await deps.channels.get(message.workspace, message.channel.uuid);
      if (chosen && chosen.schemes.includes(scheme)) return chosen;
    }
    const channels = await deps.channels.list(message.workspace);
    return channels.find((channel) => channel.schemes.includes(scheme)) ?? null;
  }

  return {
    /**
     * Delivers the message at `location`. `receiveCount` is how often the
     * queue has handed this queue message out (1 the first time): the try
     * number, which resets when a message is redriven from the DLQ.
     */
    async deliver({ location, receiveCount }: { location: MessageLocation; receiveCount: number }): Promise<DeliveryResult> {
      const message = await deps.channels.getMessage(location);
      if (!message) return { kind: 'skipped', reason: 'message_not_found' };
      if (!sendable(message)) return { kind: 'skipped', reason: `status_${message.status}` };

      const channel = await pickChannel(message);
      if (!channel || !message.urn) {
        await deps.channels.updateMessageStatus(location, { status: 'failed', from: SENDABLE, failedOnlyFor: RETRIES_EXHAUSTED, modified_on: now(), failed_reason: 'no_channel', countAttempt: true });
        return { kind: 'failed', reason: 'no_channel' };
      }
      const channelRef = { uuid: channel.uuid, name: channel.name };

      // Findable by status callbacks before the gateway could possibly call back.
      await deps.channels.putMessageLocation({ ...location, sent_through: channel.uuid });
      const secrets = JSON.parse(await deps.secrets.open(channel.sealed_secrets, channel.uuid)) as ChannelSecrets;
      // Signed at every try: a retry hands the gateway a fresh link.
      const attachments = await links.readableAll(message.workspace, message.attachments, DELIVERY_LINK_SECONDS);
      const outcome = await deps.senders[channel.type].send(channel, secrets, {
        uuid: message.uuid,
        urn: message.urn,
        text: message.text,
        attachments,
        quick_replies: message.quick_replies ?? [],
      });

      if (outcome.kind === 'sent') {
        await deps.channels.updateMessageStatus(location, {
          status: 'wired',
          from: SENDABLE, failedOnlyFor: RETRIES_EXHAUSTED,
          modified_on: now(),
          external_id: outcome.externalId,
          failed_reason: null,
          channel: channelRef,
          countAttempt: true,
        });
        return { kind: 'wired', channel: channelRef, externalId: outcome.externalId };
      }
      if (outcome.kind === 'fail') {
        await deps.channels.updateMessageStatus(location, { status: 'failed', from: SENDABLE, failedOnlyFor: RETRIES_EXHAUSTED, modified_on: now(), failed_reason: outcome.reason, channel: channelRef, countAttempt: true });
        return { kind: 'failed', reason: outcome.reason };
      }
      const final = receiveCount >= maxAttempts;
      await deps.channels.updateMessageStatus(location, {
        status: final ? 'failed' : 'errored',
        from: SENDABLE, failedOnlyFor: RETRIES_EXHAUSTED,
        modified_on: now(),
        failed_reason: final ? RETRIES_EXHAUSTED : outcome.reason,
        channel: channelRef,
        countAttempt: true,
      });
      return { kind: 'retry', reason: outcome.reason, delaySeconds: final ? 0 : backoffSeconds(receiveCount, base), final };
    },
  };
}

export type Delivery = ReturnType<typeof createDelivery>;
