// Channels: administrators manage them; gateways and Telegram reach the public
// routes, whose messages and events go to the conversations part's inbox
// (docs/channels.md). The public routes know only the channel uuid: one
// GetItem of the channel's pointer finds it, a per-channel rate limit comes
// next, then the request is read — anything wrong with it is a 400 before
// anything is stored.
import { createHash, randomBytes } from 'node:crypto';
import {
  CHANNEL_TYPES,
  DEFAULT_SCHEMES,
  MAX_CHANNEL_NAME_LENGTH,
  validateExHeaders,
  validateSchemes,
  validateSendUrl,
  type Channel,
  type ChannelInput,
  type ChannelPatch,
  type ChannelSecrets,
  type ExConfig,
  type ExConfigInput,
  type ExSecrets,
  type TgConfig,
  type TgConfigInput,
  type TgSecrets,
} from '#domain/channel';
import { NotFoundError, UnauthorizedError, ValidationError } from '#domain/errors';
import { newId } from '#domain/ids';
import { fixedWindow, rateLimited } from '#domain/rate-limit';
import { formatTimestamp } from '#domain/time';
import { defaultExConfig, parseExReceive, parseExStatus, parseExStopped, type InboundRequest } from '#channels/external';
import { parseTelegramUpdate, secretTokenMatches } from '#channels/telegram';
import type { AttachmentSink, ChannelInbox, ChannelRepository, SecretBox, TelegramFiles, TelegramSetup } from './channel-ports';
import { MAX_ATTACHMENT_BYTES, sanitizeFilename } from './conversations';
import type { Actor } from './context';
import type { MessageRecord } from './flow-ports';
import type { RateLimitCounter } from './ports';
import { retryOnStaleWrite } from './retry';

export const CHANNEL_RATE_WINDOW_SECONDS = 60;
export const DEFAULT_CHANNEL_RATE_LIMIT_PER_MINUTE = 600;

export interface ChannelUseCaseDeps {
  channels: ChannelRepository;
  secrets: SecretBox;
  telegram: TelegramSetup;
  rateLimits: RateLimitCounter;
  /** The conversations part's use cases (receiveFromChannel, registerChannelContact, stopChannelContact). */
  inbox: ChannelInbox;
  /** Requests a minute one channel's public routes let through. */
  receiveRateLimitPerMinute?: number;
  /**
   * Files contacts send to a bot are copied into the attachments bucket (both needed); without them,
   * or when a copy fails, the message keeps `<type>:telegram-file:<file_id>`.
   */
  telegramFiles?: TelegramFiles;
  attachmentSink?: AttachmentSink;
  clock?: () => Date;
}

export interface ChannelView {
  uuid: string;
  type: Channel['type'];
  name: string;
  address: string | null;
  schemes: string[];
  country: string | null;
  /** Where the gateway (or Telegram) sends messages; the status routes are beside it. */
  receive_url: string;
  /** The configuration without its secrets. */
  config: Record<string, unknown>;
  /** Which secrets are set (never their values). */
  secret_fields: string[];
  created_on: string;
  modified_on: string;
}

/** RapidPro's `GET /api/v2/channels.json` item. */
export interface V2ChannelView {
  uuid: string;
  name: string;
  address: string | null;
  channel_type: string;
  country: string | null;
  device: null;
  last_seen: string | null;
  created_on: string;
}

export type StatusCallback = 'sent' | 'delivered' | 'failed';

/** A status callback may move a message only forward: never back from delivered, read or failed. */
const STATUS_FROM: Record<StatusCallback, MessageRecord['status'][]> = {
  sent: ['queued', 'wired', 'errored'],
  delivered: ['queued', 'wired', 'sent', 'errored'],
  failed: ['queued', 'wired', 'sent', 'errored'],
};

export type ReceiveAnswer =
  | { kind: 'message'; channel: Channel; msg_uuid: string; text: string; urn: string; attachments: string[]; external_id: string | null; received_on: string }
  | { kind: 'event'; channel: Channel; event_type: 'stop_contact' | 'new_conversation'; urn: string; received_on: string }
  | { kind: 'status'; channel: Channel; status: StatusCallback; msg_uuid: string }
  | { kind: 'ignored'; channel: Channel; reason: string };

export function receiveUrl(apiBaseUrl: string, channel: Pick<Channel, 'type' | 'uuid'>): string {
  return `${apiBaseUrl.replace(/\/+$/, '')}/c/${channel.type.toLowerCase()}/${channel.uuid}/receive`;
}

export function createChannelUseCases(deps: ChannelUseCaseDeps) {
  const clock = deps.clock ?? (() => new Date());
  const now = () => formatTimestamp(clock());
  const limitPerMinute = deps.receiveRateLimitPerMinute ?? DEFAULT_CHANNEL_RATE_LIMIT_PER_MINUTE;

  async function sealSecrets(channelUuid: string, secrets: ChannelSecrets) {
    return deps.secrets.seal(JSON.stringify(secrets), channelUuid);
  }
  async function openSecrets<S extends ChannelSecrets>(channel: Channel): Promise<S> {
    return JSON.parse(await deps.secrets.open(channel.sealed_secrets, channel.uuid)) as S;
  }

  function view(channel: Channel, apiBaseUrl: string, secrets: ChannelSecrets): ChannelView {
    let config: Record<string, unknown>;
    let secretFields: string[];
    if (channel.type === 'EX') {
      const { header_names, has_authorization: _set, ...rest } = channel.config as ExConfig;
      const ex = secrets as ExSecrets;
      config = { ...rest, headers: Object.fromEntries(header_names.map((name) => [name, '********'])) };
      secretFields = [...(ex.send_authorization ? ['send_authorization'] : []), ...header_names.map((name) => `headers.${name}`)];
    } else {
      config = { ...(channel.config as TgConfig) };
      secretFields = ['auth_token'];
    }
    return {
      uuid: channel.uuid,
      type: channel.type,
      name: channel.name,
      address: channel.address,
      schemes: channel.schemes,
      country: channel.country,
      receive_url: receiveUrl(apiBaseUrl, channel),
      config,
      secret_fields: secretFields,
      created_on: channel.created_on,
      modified_on: channel.modified_on,
    };
  }

  /** The secret fields of a stored channel, without opening its sealed secrets (views never need their values). */
  function secretShape(channel: Channel): ChannelSecrets {
    if (channel.type === 'TG') return { auth_token: '', webhook_secret: '' };
    const config = channel.config as ExConfig;
    return { send_authorization: config.has_authorization ? 'set' : null, headers: Object.fromEntries(config.header_names.map((name) => [name, ''])) };
  }

  function exConfig(input: ExConfigInput, previous?: ExConfig): { config: ExConfig; secrets: ExSecrets } {
    validateSendUrl(input.send_url);
    if (input.headers) validateExHeaders(input.headers);
    const base = previous ?? { ...defaultExConfig(), send_url: input.send_url };
    const secrets: ExSecrets = { send_authorization: input.send_authorization ?? null, headers: input.headers ?? {} };
    return {
      config: {
        send_url: input.send_url,
        method: input.method ?? base.method,
        content_type: input.content_type ?? base.content_type,
        body: input.body ?? base.body,
        max_length: input.max_length ?? base.max_length,
        mt_response_check: input.mt_response_check === undefined ? base.mt_response_check : input.mt_response_check || null,
        header_names: Object.keys(secrets.headers),
        has_authorization: Boolean(secrets.send_authorization),
      },
      secrets,
    };
  }

  async function tgSetup(channelUuid: string, input: TgConfigInput, apiBaseUrl: string) {
    if (!input.auth_token || !/^\d+:[A-Za-z0-9_-]+$/.test(input.auth_token))
      throw new ValidationError('config.auth_token', 'auth_token must be a bot token from @BotFather (digits:letters).');
    const me = await deps.telegram.getMe(input.auth_token);
    const webhookSecret = randomBytes(32).toString('base64url');
    await deps.telegram.setWebhook(input.auth_token, receiveUrl(apiBaseUrl, { type: 'TG', uuid: channelUuid }), webhookSecret);
    const secrets: TgSecrets = { auth_token: input.auth_token, webhook_secret: webhookSecret };
    return { config: { bot_username: me.username } satisfies TgConfig, secrets, address: me.username };
  }

  function checkCommon(input: { name?: string; schemes?: string[]; country?: string | null; address?: string | null }) {
    if (input.name !== undefined && (input.name.trim() === '' || input.name.length > MAX_CHANNEL_NAME_LENGTH))
      throw new ValidationError('name', `The name must be 1 to ${MAX_CHANNEL_NAME_LENGTH} characters.`);
    if (input.schemes !== undefined) validateSchemes(input.schemes);
    if (input.country != null && !/^[A-Z]{2}$/.test(input.country)) throw new ValidationError('country', 'country must be an ISO 3166-1 alpha-2 code such as "KE".');
    if (input.address != null && input.address.length > 255) throw new ValidationError('address', 'address is longer than 255 characters.');
  }

  async function getOwned(actor: Actor, uuid: string): Promise<Channel> {
    const channel = await deps.channels.get(actor.workspace, uuid);
    if (!channel) throw new NotFoundError('channel_not_found', 'No such channel.');
    return channel;
  }

  /** The channel behind a public route, then the channel's rate limit. */
  async function admitPublic(type: Channel['type'], uuid: string): Promise<Channel> {
    const channel = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(uuid) ? await deps.channels.findByUuid(uuid) : null;
    if (!channel || channel.type !== type) throw new NotFoundError('channel_not_found', 'No such channel.');
    return channel;
  }
  async function takeRate(channel: Channel) {
    const at = clock();
    const window = fixedWindow(at, CHANNEL_RATE_WINDOW_SECONDS);
    if (!(await deps.rateLimits.take({ kind: 'channel', channel: channel.uuid }, window, limitPerMinute)))
      throw rateLimited('channel_rate_limited', `This channel takes at most ${limitPerMinute} requests a minute.`, window, at);
  }

  const ref = (channel: Channel) => ({ uuid: channel.uuid, name: channel.name });

  /**
   * A received Telegram file as an object of the workspace in the attachments bucket: `<type>:<object url>`.
   * The key is the channel and file id's digest, so a re-sent update overwrites the same object.
   * Any failure keeps the attachment as it was (the message is never lost over a file).
   */
  async function copyTelegramFile(channel: Channel, token: string, attachment: string): Promise<string> {
    const match = /^([a-z]+\/[^:/]+):telegram-file:(.+)$/is.exec(attachment);
    if (!match || !deps.telegramFiles || !deps.attachmentSink) return attachment;
    const [, type, fileId] = match as unknown as [string, string, string];
    try {
      const file = await deps.telegramFiles.download(token, fileId, MAX_ATTACHMENT_BYTES);
      const digest = createHash('sha256').update(`${channel.uuid}:${fileId}`).digest('hex').slice(0, 32);
      const url = await deps.attachmentSink.putObject({
        key: `${channel.workspace}/tg-${digest}/${sanitizeFilename(file.filePath)}`,
        body: file.bytes,
        contentType: type.toLowerCase(),
      });
      return `${type}:${url}`;
    } catch {
      return attachment;
    }
  }

  return {
    async createChannel({ actor, input, apiBaseUrl }: { actor: Actor; input: ChannelInput; apiBaseUrl: string }): Promise<ChannelView> {
      if (!CHANNEL_TYPES.includes(input.type)) throw new ValidationError('type', 'type must be EX or TG.');
      checkCommon(input);
      const uuid = newId();
      const created_on = now();
      let config: Channel['config'];
      let secrets: ChannelSecrets;
      let address = input.address ?? null;
      if (input.type === 'EX') {
        ({ config, secrets } = exConfig(input.config as ExConfigInput));
      } else {
        const setup = await tgSetup(uuid, input.config as TgConfigInput, apiBaseUrl);
        ({ config, secrets } = setup);
        address = setup.address;
      }
      const channel: Channel = {
        workspace: actor.workspace,
        uuid,
        type: input.type,
        name: input.name.trim(),
        address,
        schemes: input.schemes ?? DEFAULT_SCHEMES[input.type],
        country: input.country ?? null,
        config,
        sealed_secrets: await sealSecrets(uuid, secrets),
        created_on,
        modified_on: created_on,
      };
      await deps.channels.create(channel);
      return view(channel, apiBaseUrl, secrets);
    },

    async listChannels({ actor, apiBaseUrl }: { actor: Actor; apiBaseUrl: string }): Promise<ChannelView[]> {
      const channels = await deps.channels.list(actor.workspace);
      return channels.map((channel) => view(channel, apiBaseUrl, secretShape(channel)));
    },

    async getChannel({ actor, channel, apiBaseUrl }: { actor: Actor; channel: string; apiBaseUrl: string }): Promise<ChannelView> {
      const found = await getOwned(actor, channel);
      return view(found, apiBaseUrl, secretShape(found));
    },

    async updateChannel({ actor, channel, patch, apiBaseUrl }: { actor: Actor; channel: string; patch: ChannelPatch; apiBaseUrl: string }): Promise<ChannelView> {
      checkCommon(patch);
      return retryOnStaleWrite(async () => {
        const current = await getOwned(actor, channel);
        let config = current.config;
        let secrets: ChannelSecrets | null = null;
        let address = patch.address === undefined ? current.address : patch.address;
        if (patch.config && current.type === 'EX') {
          const stored = await openSecrets<ExSecrets>(current);
          const previous = current.config as ExConfig;
          const input = patch.config as Partial<ExConfigInput>;
          ({ config, secrets } = exConfig(
            {
              send_url: input.send_url ?? previous.send_url,
              ...input,
              send_authorization: input.send_authorization === undefined ? stored.send_authorization : input.send_authorization,
              headers: input.headers ?? stored.headers,
            },
            previous,
          ));
        } else if (patch.config && current.type === 'TG') {
          const setup = await tgSetup(current.uuid, patch.config as TgConfigInput, apiBaseUrl);
          ({ config, secrets } = setup);
          address = setup.address;
        }
        const updated: Channel = {
          ...current,
          name: patch.name?.trim() ?? current.name,
          schemes: patch.schemes ?? current.schemes,
          country: patch.country === undefined ? current.country : patch.country,
          address,
          config,
          sealed_secrets: secrets ? await sealSecrets(current.uuid, secrets) : current.sealed_secrets,
          modified_on: now(),
        };
        if (updated.modified_on <= current.modified_on) updated.modified_on = formatTimestamp(new Date(Date.parse(current.modified_on) + 1));
        await deps.channels.update(updated, current);
        return view(updated, apiBaseUrl, secrets ?? secretShape(updated));
      });
    },

    /** Deletes the channel; a Telegram bot's webhook is removed first (best effort: a bot Telegram no longer knows is deleted all the same). */
    async deleteChannel({ actor, channel }: { actor: Actor; channel: string }): Promise<void> {
      const current = await getOwned(actor, channel);
      if (current.type === 'TG') {
        try {
          await deps.telegram.deleteWebhook((await openSecrets<TgSecrets>(current)).auth_token);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
        }
      }
      if (!(await deps.channels.delete(actor.workspace, channel))) throw new NotFoundError('channel_not_found', 'No such channel.');
    },

    async listV2Channels({ actor, uuid, address }: { actor: Actor; uuid?: string; address?: string }): Promise<V2ChannelView[]> {
      const channels = await deps.channels.list(actor.workspace);
      return channels
        .filter((channel) => (uuid === undefined || channel.uuid === uuid) && (address === undefined || channel.address === address))
        .reverse() // RapidPro lists newest first
        .map((channel) => ({
          uuid: channel.uuid,
          name: channel.name,
          address: channel.address,
          channel_type: channel.type,
          country: channel.country,
          device: null,
          last_seen: null,
          created_on: channel.created_on,
        }));
    },

    // --- the public routes ---

    async receiveExternal({ channel: uuid, request }: { channel: string; request: InboundRequest }): Promise<ReceiveAnswer> {
      const channel = await admitPublic('EX', uuid);
      await takeRate(channel);
      const parsed = parseExReceive(channel, request, clock());
      const received = await deps.inbox.receiveFromChannel({
        workspace: channel.workspace,
        channel: ref(channel),
        urn: parsed.urn,
        text: parsed.text,
        attachments: [],
        external_id: null,
        received_on: formatTimestamp(parsed.received_on),
      });
      return { kind: 'message', channel, msg_uuid: received.msg_uuid, text: parsed.text, urn: parsed.urn, attachments: [], external_id: null, received_on: received.received_on };
    },

    async externalStatus({ channel: uuid, status, request }: { channel: string; status: StatusCallback; request: InboundRequest }): Promise<ReceiveAnswer> {
      const channel = await admitPublic('EX', uuid);
      await takeRate(channel);
      const msg = parseExStatus(request);
      const location = await deps.channels.findMessageLocation(channel.workspace, msg);
      if (!location || (location.sent_through !== undefined && location.sent_through !== channel.uuid))
        return { kind: 'ignored', channel, reason: `no message ${msg} was sent through this channel` };
      const applied = await deps.channels.updateMessageStatus(location, {
        status,
        from: STATUS_FROM[status],
        modified_on: now(),
        ...(status === 'failed' ? { failed_reason: 'gateway_reported_failure' } : {}),
      });
      if (!applied) return { kind: 'ignored', channel, reason: `message ${msg} is already past ${status}` };
      return { kind: 'status', channel, status, msg_uuid: msg };
    },

    async externalStopped({ channel: uuid, request }: { channel: string; request: InboundRequest }): Promise<ReceiveAnswer> {
      const channel = await admitPublic('EX', uuid);
      await takeRate(channel);
      const urn = parseExStopped(channel, request);
      await deps.inbox.stopChannelContact({ workspace: channel.workspace, urn });
      return { kind: 'event', channel, event_type: 'stop_contact', urn, received_on: now() };
    },

    async receiveTelegram({ channel: uuid, secretToken, body }: { channel: string; secretToken: string | undefined; body: string }): Promise<ReceiveAnswer> {
      const channel = await admitPublic('TG', uuid);
      const secrets = await openSecrets<TgSecrets>(channel);
      if (!secretTokenMatches(secrets.webhook_secret, secretToken))
        throw new UnauthorizedError('invalid_secret_token', 'The X-Telegram-Bot-Api-Secret-Token header is missing or wrong.');
      await takeRate(channel);
      const update = parseTelegramUpdate(body);
      if (update.kind === 'ignored') return { kind: 'ignored', channel, reason: update.reason };
      if (update.kind === 'start') {
        await deps.inbox.registerChannelContact({ workspace: channel.workspace, channel: ref(channel), urn: update.urn, name: update.name });
        return { kind: 'event', channel, event_type: 'new_conversation', urn: update.urn, received_on: formatTimestamp(update.received_on) };
      }
      const attachments = await Promise.all(update.attachments.map((attachment) => copyTelegramFile(channel, secrets.auth_token, attachment)));
      const received = await deps.inbox.receiveFromChannel({
        workspace: channel.workspace,
        channel: ref(channel),
        urn: update.urn,
        text: update.text,
        attachments,
        external_id: update.external_id,
        received_on: formatTimestamp(update.received_on),
        contact_name: update.name,
      });
      return {
        kind: 'message',
        channel,
        msg_uuid: received.msg_uuid,
        text: update.text,
        urn: update.urn,
        attachments,
        external_id: update.external_id,
        received_on: received.received_on,
      };
    },
  };
}

export type ChannelUseCases = ReturnType<typeof createChannelUseCases>;
