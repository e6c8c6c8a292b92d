// Routes of the HttpFlows function: the flow engine service over HTTP
// (docs/flow-engine-service.md), and RapidPro's messages.json.
import {
  flowImportRequestSchema,
  flowImportResultSchema,
  flowListSchema,
  flowParams,
  inboundMessageRequestSchema,
  messageListQuerySchema,
  messagePageSchema,
  sprintResultSchema,
  startFlowRequestSchema,
  v2MessageListSchema,
  v2MessageSchema,
  v2MessagesQuerySchema,
  v2SendMessageRequestSchema,
} from '../flow-schemas';
import { v2DetailErrorSchema, v2ValidationErrorSchema } from '../rapidpro-v2-envelopes';
import { defineRoute } from '../route-spec';
import { contactParams } from '../contact-schemas';
import { errorSchema, idempotencyHeaderSchema } from '../schemas';

const tags = ['flows'];
const badRequest = { description: 'Invalid request; `error.field` names the field', schema: errorSchema };

/** Routes answering with the resource API's error bodies. */
export const flowRoutes = {
  listFlows: defineRoute({
    method: 'get',
    path: '/flows',
    permission: 'flows.manage',
    summary: 'The workspace\'s flows, by name',
    tags,
    responses: { 200: { description: 'Flows', schema: flowListSchema } },
  }),
  importFlows: defineRoute({
    method: 'post',
    path: '/flows',
    permission: 'flows.manage',
    summary: 'Import a RapidPro export or one flow definition',
    description: 'A flow with a uuid already imported replaces it.',
    tags,
    body: flowImportRequestSchema,
    responses: { 201: { description: 'The imported flows', schema: flowImportResultSchema }, 400: badRequest },
  }),
  startFlow: defineRoute({
    method: 'post',
    path: '/flows/{flow}/start',
    permission: 'flows.manage',
    summary: 'Start a flow for a contact',
    description:
      'Runs the first sprint. A session the contact was waiting in is interrupted. With an `Idempotency-Key` header the answer is recorded, and a retry with the same key gets it again without running anything.',
    tags,
    params: flowParams,
    headers: idempotencyHeaderSchema,
    body: startFlowRequestSchema,
    responses: {
      200: { description: 'The session and the events of its first sprint', schema: sprintResultSchema },
      400: badRequest,
      404: { description: 'No such flow', schema: errorSchema },
    },
  }),
  receiveMessage: defineRoute({
    method: 'post',
    path: '/contacts/{contact}/messages',
    permission: 'flows.manage',
    summary: 'An inbound message from a contact',
    description:
      'Resumes the contact\'s waiting session; with none waiting the message is stored and `session` is null. A message sent again with the same `uuid` is taken once: the retry gets the first answer.',
    tags,
    params: contactParams,
    body: inboundMessageRequestSchema,
    responses: { 200: { description: 'The sprint the message caused', schema: sprintResultSchema }, 400: badRequest },
  }),
  listMessages: defineRoute({
    method: 'get',
    path: '/contacts/{contact}/messages',
    permission: 'tickets.read',
    summary: 'A contact\'s messages, in and out, newest first',
    tags,
    params: contactParams,
    query: messageListQuerySchema,
    responses: {
      200: { description: 'A page', schema: messagePageSchema },
      400: badRequest,
      404: { description: 'No such contact', schema: errorSchema },
    },
  }),
};

/** RapidPro API v2 routes of the same function (RapidPro's error bodies). */
export const flowV2Routes = {
  sendV2Message: defineRoute({
    method: 'post',
    path: '/api/v2/messages.json',
    permission: 'messages.send',
    summary: 'Send a message to a contact (a reply on its open ticket, if it has one)',
    description:
      'RapidPro\'s `POST /api/v2/messages.json` `{"contact", "text", "attachments"}`. With an open ticket the message is the caller\'s reply on it (as `POST /tickets/{ticket}/messages`: replied_on, auto-assignment); otherwise a plain outgoing message. A stopped or blocked contact, or one without a URN, is a 400.',
    tags: ['rapidpro-v2'],
    body: v2SendMessageRequestSchema,
    responses: {
      201: { description: 'The queued message', schema: v2MessageSchema },
      400: { description: 'Invalid request, unknown contact, or a contact that cannot be sent to', schema: v2ValidationErrorSchema },
      403: { description: 'A role that may not send, or `cannot_reply_non_own`', schema: v2DetailErrorSchema },
    },
  }),
  listV2Messages: defineRoute({
    method: 'get',
    path: '/api/v2/messages.json',
    permission: 'tickets.read',
    summary: 'A contact\'s messages, newest first, 250 a page',
    tags: ['rapidpro-v2'],
    query: v2MessagesQuerySchema,
    responses: {
      200: { description: 'A page (empty for an unknown contact)', schema: v2MessageListSchema },
      400: { description: 'Invalid request', schema: v2ValidationErrorSchema },
      403: { description: 'A role that may not read messages', schema: v2DetailErrorSchema },
    },
  }),
};
