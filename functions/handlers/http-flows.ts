// HttpFlows' handler over given use cases: what each of its routes
// (shared/http/routes/flows.ts) calls, and the answer it makes of the result.
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { NotFoundError } from '#domain/errors';
import { createHttpHandler, type HttpEvent } from '#http/handler';
import { V2_PAGE_SIZE } from '#http/rapidpro-v2-envelopes';
import { nextPageUrl } from '#http/rapidpro-v2';
import { created, ok } from '#http/response';
import { flowRoutes, flowV2Routes } from '#http/routes/flows';
import type { MessageView } from '#use-cases/flows';
import type { HttpFlowsWiring } from '#wiring/http-flows';

export function createFlowsHandler({ flows: flowUseCases, conversations, admission }: HttpFlowsWiring) {
  const resourceHandler = createHttpHandler('resource', flowRoutes, {
    listFlows: async ({ actor }) => ok({ results: await flowUseCases.listFlows({ actor }) }),
    importFlows: async ({ actor, body }) => created(await flowUseCases.importFlows({ actor, definitions: body })),
    startFlow: async ({ actor, params, body, headers }) => {
      const idempotencyKey = headers['idempotency-key'];
      return ok(await flowUseCases.startFlow({ actor, flow: params.flow, contact: body.contact, ...(idempotencyKey ? { idempotencyKey } : {}) }));
    },
    receiveMessage: async ({ actor, params, body }) =>
      ok(await flowUseCases.receiveMsg({ actor, contact: params.contact, text: body.text, attachments: body.attachments, ...(body.uuid ? { uuid: body.uuid } : {}) })),
    listMessages: async ({ actor, params, query }) =>
      ok(await flowUseCases.listMessages({ actor, contact: params.contact, limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) })),
  }, admission);

  const v2Handler = createHttpHandler('rapidpro-v2', flowV2Routes, {
    sendV2Message: async ({ actor, body }) =>
      created(toV2Message(await conversations.sendMessage({ actor, contact: body.contact, input: { text: body.text, attachments: body.attachments } }))),
    listV2Messages: async ({ actor, query, event }) => {
      try {
        const page = await flowUseCases.listMessages({ actor, contact: query.contact, limit: V2_PAGE_SIZE, ...(query.cursor ? { cursor: query.cursor } : {}) });
        return ok({ next: nextPageUrl(event, page.next_cursor), previous: null, results: page.results.map(toV2Message) });
      } catch (error) {
        // RapidPro filters: an unknown contact matches no messages.
        if (error instanceof NotFoundError) return ok({ next: null, previous: null, results: [] });
        throw error;
      }
    },
  }, admission);

  /** One function, two error styles: the RapidPro route answers in RapidPro's shapes. */
  return (event: HttpEvent, context: Context): Promise<APIGatewayProxyStructuredResultV2> =>
    event.routeKey.includes(V2_PREFIX) ? v2Handler(event, context) : resourceHandler(event, context);
}

/** RapidPro's message shape: no URN, and none of Ticketer's own delivery fields. */
function toV2Message(view: MessageView) {
  const { uuid, contact, direction, type, status, text, attachments, flow, created_on, modified_on } = view;
  return { uuid, contact, direction, type, status, text, attachments, flow, created_on, modified_on };
}

const V2_PREFIX = ' /api/v2/';
