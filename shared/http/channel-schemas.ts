// Schemas of the channel routes (HttpChannels, docs/channels.md): management
// by administrators, RapidPro's v2 channel list, and the answers of the public
// `/c/…` routes in courier's shapes.
import * as z from 'zod';
import { MAX_CHANNEL_NAME_LENGTH } from '#domain/channel';
import { listOf } from './rapidpro-v2-envelopes';
import { timestamp } from './schemas';

export const channelParams = z.object({ channel: z.uuid() });

const scheme = z.string().max(16).regex(/^[a-z][a-z0-9]{1,15}$/, 'A URN scheme: lowercase letters and digits, e.g. "tel".');

const exConfigInput = z
  .object({
    send_url: z.string().min(1).max(2048).meta({ description: 'Where messages are sent; may hold `{{…}}` variables (URL-encoded)' }),
    method: z.enum(['GET', 'POST', 'PUT']).optional().meta({ description: 'Default POST' }),
    content_type: z.enum(['urlencoded', 'json', 'xml']).optional().meta({ description: 'Default urlencoded' }),
    body: z.string().max(10_000).optional().meta({ description: 'Body template (POST, PUT); default RapidPro\'s urlencoded body' }),
    max_length: z.number().int().min(1).max(10_000).optional().meta({ description: 'Longer texts are split into parts at word boundaries; default 160' }),
    send_authorization: z.string().max(2048).nullable().optional().meta({ description: 'Sent as the Authorization header; secret' }),
    headers: z.record(z.string().min(1).max(256), z.string().max(2048)).optional().meta({ description: 'Extra request headers; their values are secret' }),
    mt_response_check: z.string().max(1024).nullable().optional().meta({ description: 'A 2xx answer must contain this text, or the send failed' }),
  })
  .strict()
  .meta({ id: 'ExternalChannelConfig' });

const tgConfigInput = z
  .object({ auth_token: z.string().min(1).max(256).meta({ description: 'The bot token from @BotFather; secret' }) })
  .strict()
  .meta({ id: 'TelegramChannelConfig' });

const common = {
  name: z.string().trim().min(1).max(MAX_CHANNEL_NAME_LENGTH),
  schemes: z.array(scheme).min(1).max(8).optional().meta({ description: 'URN schemes served; the first is the one contacts writing in get. Default `["tel"]` (EX), `["telegram"]` (TG)' }),
  address: z.string().max(255).nullable().optional().meta({ description: 'The channel\'s own number or id (`{{from}}`); a bot\'s is its username' }),
  country: z.string().max(2).regex(/^[A-Z]{2}$/, 'An ISO 3166-1 alpha-2 code such as "KE".').nullable().optional(),
};

export const channelInputSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('EX'), ...common, config: exConfigInput }).strict(),
    z.object({ type: z.literal('TG'), ...common, config: tgConfigInput }).strict(),
  ])
  .meta({ id: 'ChannelInput' });

export const channelPatchSchema = z
  .object({
    name: common.name.optional(),
    schemes: common.schemes,
    address: common.address,
    country: common.country,
    config: z.union([exConfigInput.partial(), tgConfigInput]).optional().meta({ description: 'EX: the fields to change (`headers` replaces all headers). TG: a new `auth_token` (the webhook is set again)' }),
  })
  .strict()
  .meta({ id: 'ChannelPatch' });

export const channelSchema = z
  .object({
    uuid: z.uuid(),
    type: z.enum(['EX', 'TG']),
    name: z.string(),
    address: z.string().nullable(),
    schemes: z.array(z.string()),
    country: z.string().nullable(),
    receive_url: z.string().meta({ description: 'Absolute; the status routes are beside it (`…/sent`, `…/delivered`, `…/failed`, `…/stopped`)' }),
    config: z.record(z.string(), z.unknown()).meta({ description: 'Without secrets: header values show as `********`' }),
    secret_fields: z.array(z.string()).meta({ description: 'The secrets that are set, e.g. `send_authorization`, `headers.X-Api-Key`, `auth_token`' }),
    created_on: timestamp,
    modified_on: timestamp,
  })
  .meta({ id: 'Channel' });

export const channelListSchema = z.object({ results: z.array(channelSchema) }).meta({ id: 'ChannelList' });

export const v2ChannelSchema = z
  .object({
    uuid: z.uuid(),
    name: z.string(),
    address: z.string().nullable(),
    channel_type: z.string(),
    country: z.string().nullable(),
    device: z.null().meta({ description: 'Android relayers only; always null here' }),
    last_seen: z.string().nullable(),
    created_on: z.string(),
  })
  .meta({ id: 'V2Channel' });

export const v2ChannelListSchema = listOf(v2ChannelSchema, 'V2ChannelList');
export const v2ChannelsQuerySchema = z.object({ uuid: z.uuid().optional(), address: z.string().max(255).optional() });

// --- public routes (courier's answers) ---

export const courierChannelParams = z.object({ channel: z.uuid() });

export const courierAnswerSchema = z
  .object({
    message: z.string().meta({ description: '`Message Accepted`, `Status Update Accepted`, `Event Accepted`, `Ignored`, `Error`, `Unauthorized`' }),
    data: z.array(z.record(z.string(), z.unknown())).meta({
      description:
        'msg: `{type: "msg", channel_uuid, msg_uuid, text, urn, attachments?, external_id?, received_on}`; status: `{type: "status", channel_uuid, status: "S"|"D"|"F", msg_uuid}`; event: `{type: "event", channel_uuid, event_type, urn, received_on}`; `{type: "info", info}`; `{type: "error", error}`',
    }),
  })
  .meta({ id: 'CourierAnswer' });
