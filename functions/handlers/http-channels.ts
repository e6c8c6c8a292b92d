// HttpChannels' handler over given use cases: what each of its routes
// (shared/http/routes/channels.ts) calls, and the answer it makes of the
// result, in its route group's style (resource, RapidPro v2 or courier).
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { SECRET_TOKEN_HEADER } from '#channels/telegram';
import type { ChannelUseCases, StatusCallback } from '#use-cases/channels';
import { courierAnswer, inboundRequest, rawBody } from '#http/courier';
import { createHttpHandler, type HttpEvent, type HttpHandlerOptions } from '#http/handler';
import { created, noContent, ok } from '#http/response';
import { routeKey } from '#http/route-spec';
import { channelPublicRoutes, channelRoutes, channelV2Routes } from '#http/routes/channels';
import { apiBaseUrl } from '#http/urls';

/** This API's base URL as the caller reached it (receive URLs are built on it). */
const apiBase = (event: HttpEvent) => apiBaseUrl(event);

export function createChannelsHandler(channels: ChannelUseCases, options: HttpHandlerOptions) {
  const management = createHttpHandler('resource', channelRoutes, {
    listChannels: async ({ actor, event }) => ok({ results: await channels.listChannels({ actor, apiBaseUrl: apiBase(event) }) }),
    createChannel: async ({ actor, body, event }) => created(await channels.createChannel({ actor, input: body, apiBaseUrl: apiBase(event) })),
    getChannel: async ({ actor, params, event }) => ok(await channels.getChannel({ actor, channel: params.channel, apiBaseUrl: apiBase(event) })),
    updateChannel: async ({ actor, params, body, event }) =>
      ok(await channels.updateChannel({ actor, channel: params.channel, patch: body, apiBaseUrl: apiBase(event) })),
    deleteChannel: async ({ actor, params }) => {
      await channels.deleteChannel({ actor, channel: params.channel });
      return noContent();
    },
  }, options);

  const v2 = createHttpHandler('rapidpro-v2', channelV2Routes, {
    listV2Channels: async ({ actor, query }) => ok({ next: null, previous: null, results: await channels.listV2Channels({ actor, ...query }) }),
  }, options);

  const status = (value: StatusCallback) => async ({ params, event }: { params: { channel: string }; event: HttpEvent }) =>
    courierAnswer(await channels.externalStatus({ channel: params.channel, status: value, request: inboundRequest(event) }));
  const receive = async ({ params, event }: { params: { channel: string }; event: HttpEvent }) =>
    courierAnswer(await channels.receiveExternal({ channel: params.channel, request: inboundRequest(event) }));
  const stopped = async ({ params, event }: { params: { channel: string }; event: HttpEvent }) =>
    courierAnswer(await channels.externalStopped({ channel: params.channel, request: inboundRequest(event) }));

  const gateways = createHttpHandler('courier', channelPublicRoutes, {
    exReceiveGet: receive,
    exReceivePost: receive,
    exSentGet: status('sent'),
    exSentPost: status('sent'),
    exDeliveredGet: status('delivered'),
    exDeliveredPost: status('delivered'),
    exFailedGet: status('failed'),
    exFailedPost: status('failed'),
    exStoppedGet: stopped,
    exStoppedPost: stopped,
    tgReceive: async ({ params, event }) =>
      courierAnswer(await channels.receiveTelegram({ channel: params.channel, secretToken: event.headers[SECRET_TOKEN_HEADER], body: rawBody(event) })),
  }, options);

  const v2Keys = new Set(Object.values(channelV2Routes).map(routeKey));
  const publicKeys = new Set(Object.values(channelPublicRoutes).map(routeKey));
  return async (event: HttpEvent, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    if (publicKeys.has(event.routeKey)) return gateways(event, context);
    if (v2Keys.has(event.routeKey)) return v2(event, context);
    return management(event, context);
  };
}
