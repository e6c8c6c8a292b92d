// Routes of the HttpChannels function (docs/channels.md): channels managed by
// administrators, RapidPro's v2 channel list, and the public routes gateways
// and Telegram call (no token: unguessable by the channel uuid, rate-limited
// per channel; courier's answer shapes).
import {
  channelInputSchema,
  channelListSchema,
  channelParams,
  channelPatchSchema,
  channelSchema,
  courierAnswerSchema,
  courierChannelParams,
  v2ChannelListSchema,
  v2ChannelsQuerySchema,
} from '../channel-schemas';
import { v2ValidationErrorSchema } from '../rapidpro-v2-envelopes';
import { defineRoute, type RouteResponse } from '../route-spec';
import { errorSchema } from '../schemas';

const tags = ['channels'];
const badRequest: RouteResponse = { description: 'Invalid request; `error.field` names the field', schema: errorSchema };
const notFound: RouteResponse = { description: '`channel_not_found`', schema: errorSchema };

export const channelRoutes = {
  listChannels: defineRoute({
    method: 'get',
    path: '/channels',
    permission: 'channels.manage',
    summary: 'The workspace\'s channels, oldest first (no secrets)',
    tags,
    responses: { 200: { description: 'Channels', schema: channelListSchema } },
  }),
  createChannel: defineRoute({
    method: 'post',
    path: '/channels',
    permission: 'channels.manage',
    summary: 'Add a channel: an External API gateway (EX) or a Telegram bot (TG)',
    description:
      'A Telegram channel is checked with the Bot API (`getMe`: its username becomes the address) and its webhook set to `receive_url` with a secret token. Secrets (`send_authorization`, header values, `auth_token`) are stored encrypted and never returned.',
    tags,
    body: channelInputSchema,
    responses: {
      201: { description: 'The channel', schema: channelSchema },
      400: { description: 'Invalid request (`error.field` names the field); `invalid_bot_token` / `telegram_unavailable` on `config.auth_token`', schema: errorSchema },
    },
  }),
  getChannel: defineRoute({
    method: 'get',
    path: '/channels/{channel}',
    permission: 'channels.manage',
    summary: 'A channel (no secrets)',
    tags,
    params: channelParams,
    responses: { 200: { description: 'The channel', schema: channelSchema }, 404: notFound },
  }),
  updateChannel: defineRoute({
    method: 'patch',
    path: '/channels/{channel}',
    permission: 'channels.manage',
    summary: 'Change a channel\'s name, schemes, address, country or configuration',
    tags,
    params: channelParams,
    body: channelPatchSchema,
    responses: { 200: { description: 'The channel', schema: channelSchema }, 400: badRequest, 404: notFound },
  }),
  deleteChannel: defineRoute({
    method: 'delete',
    path: '/channels/{channel}',
    permission: 'channels.manage',
    summary: 'Delete a channel (its receive URL stops working; queued messages go out by another channel serving their scheme, or fail with `no_channel`)',
    tags,
    params: channelParams,
    responses: { 204: { description: 'Deleted' }, 404: notFound },
  }),
};

export const channelV2Routes = {
  listV2Channels: defineRoute({
    method: 'get',
    path: '/api/v2/channels.json',
    permission: 'channels.manage',
    summary: 'Channels in RapidPro\'s API v2 shape, newest first',
    tags: ['rapidpro-v2'],
    query: v2ChannelsQuerySchema,
    responses: { 200: { description: 'The channels (one page)', schema: v2ChannelListSchema }, 400: { description: 'Invalid request', schema: v2ValidationErrorSchema } },
  }),
};

const publicAnswers = (ok: string): Record<number, RouteResponse> => ({
  200: { description: ok, schema: courierAnswerSchema },
  400: { description: 'Bad input, saying what is wrong (`{"message": "Error", "data": [{"type": "error", "error": "…"}]}`); nothing is stored', schema: courierAnswerSchema },
  404: { description: 'No such channel', schema: courierAnswerSchema },
  429: { description: 'The channel\'s rate limit (`Retry-After`)', schema: courierAnswerSchema },
});

const exDescription = 'Parameters in the query string, a form-encoded body or a JSON object body.';

function exRoutes(action: 'receive' | 'sent' | 'delivered' | 'failed' | 'stopped', summary: string, ok: string) {
  const spec = (method: 'get' | 'post') =>
    defineRoute({
      method,
      path: `/c/ex/{channel}/${action}`,
      permission: 'public',
      summary,
      description: exDescription,
      tags: ['channel gateways'],
      params: courierChannelParams,
      responses: publicAnswers(ok),
    });
  return { get: spec('get'), post: spec('post') };
}

const receive = exRoutes('receive', 'A gateway hands in a contact\'s message: `from` (or `sender`), `text`, optional `date` (RFC 3339)', '`Message Accepted`');
const sent = exRoutes('sent', 'The gateway sent our message `id` (or `uuid`)', '`Status Update Accepted` (or `Ignored` for an unknown or already later message)');
const delivered = exRoutes('delivered', 'Our message `id` (or `uuid`) reached the contact', '`Status Update Accepted` (or `Ignored`)');
const failed = exRoutes('failed', 'Our message `id` (or `uuid`) could not be delivered', '`Status Update Accepted` (or `Ignored`)');
const stopped = exRoutes('stopped', 'The contact `from` opted out: it is stopped', '`Event Accepted`');

export const channelPublicRoutes = {
  exReceiveGet: receive.get,
  exReceivePost: receive.post,
  exSentGet: sent.get,
  exSentPost: sent.post,
  exDeliveredGet: delivered.get,
  exDeliveredPost: delivered.post,
  exFailedGet: failed.get,
  exFailedPost: failed.post,
  exStoppedGet: stopped.get,
  exStoppedPost: stopped.post,
  tgReceive: defineRoute({
    method: 'post',
    path: '/c/tg/{channel}/receive',
    permission: 'public',
    summary: 'Telegram posts an update (the webhook set when the channel was created)',
    description: 'Every update must carry the webhook\'s secret in `X-Telegram-Bot-Api-Secret-Token`, else 401. `/start` registers the contact; text, photos, documents, voice, locations and contacts are messages; other updates are `Ignored`.',
    tags: ['channel gateways'],
    params: courierChannelParams,
    responses: { ...publicAnswers('`Message Accepted`, `Event Accepted` or `Ignored`'), 401: { description: 'Missing or wrong secret token', schema: courierAnswerSchema } },
  }),
};
