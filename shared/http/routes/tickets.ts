// Routes of the HttpTickets function.
import type { z } from 'zod';
import { errorSchema, idempotencyHeaderSchema } from '../schemas';
import {
  assignRequestSchema,
  changeTopicRequestSchema,
  commandResultSchema,
  folderCountsSchema,
  noteRequestSchema,
  openTicketRequestSchema,
  openedTicketSchema,
  ticketDetailSchema,
  ticketListQuerySchema,
  ticketPageSchema,
  ticketParams,
} from '../ticket-schemas';
import { defineRoute, type RouteResponse } from '../route-spec';
import {
  attachmentRequestSchema,
  attachmentUploadSchema,
  conversationMsgSchema,
  conversationPageSchema,
  conversationQuerySchema,
  replyRequestSchema,
} from '../conversation-schemas';

const tags = ['tickets'];
const badRequest: RouteResponse = { description: 'Invalid request; `error.field` names the field', schema: errorSchema };
const ticketNotFound: RouteResponse = { description: 'No such ticket in this workspace', schema: errorSchema };

function command<B extends z.ZodType | undefined = undefined>(action: string, summary: string, description: string, body?: B) {
  return defineRoute({
    method: 'post',
    path: `/tickets/{ticket}/${action}`,
    permission: 'tickets.work',
    summary,
    description,
    tags,
    params: ticketParams,
    body: body as B,
    responses: {
      200: { description: 'The ticket after the command and the history events it added', schema: commandResultSchema },
      400: badRequest,
      404: ticketNotFound,
      409: { description: 'The current state refuses the command', schema: errorSchema },
    },
  });
}

export const ticketRoutes = {
  folderCounts: defineRoute({
    method: 'get',
    path: '/folders',
    permission: 'tickets.read',
    summary: 'Open ticket counts per folder and topic',
    tags,
    responses: { 200: { description: 'Counts', schema: folderCountsSchema } },
  }),
  listTickets: defineRoute({
    method: 'get',
    path: '/tickets',
    permission: 'tickets.read',
    summary: 'One page of a folder, newest activity first',
    tags,
    query: ticketListQuerySchema,
    responses: { 200: { description: 'A page', schema: ticketPageSchema }, 400: badRequest },
  }),
  openTicket: defineRoute({
    method: 'post',
    path: '/tickets',
    permission: 'tickets.work',
    summary: 'Open a ticket by hand (opened_by = the caller)',
    description:
      'The contact is created or updated with the given fields. Send an `Idempotency-Key` header to make retries safe.',
    tags,
    headers: idempotencyHeaderSchema,
    body: openTicketRequestSchema,
    responses: {
      201: { description: 'Opened', schema: openedTicketSchema },
      400: badRequest,
      404: { description: 'Unknown topic uuid', schema: errorSchema },
      409: { description: '`contact_has_open_ticket`, `topic_limit_reached`', schema: errorSchema },
    },
  }),
  getTicket: defineRoute({
    method: 'get',
    path: '/tickets/{ticket}',
    permission: 'tickets.read',
    summary: 'A ticket with its history (oldest first) and its contact',
    tags,
    params: ticketParams,
    responses: { 200: { description: 'The ticket', schema: ticketDetailSchema }, 404: ticketNotFound },
  }),
  assign: command('assign', 'Assign, reassign or unassign', '`assignee` is required (null unassigns); an optional note is added as its own history event.', assignRequestSchema),
  addNote: command('notes', 'Add a note', 'Notes are internal, never sent to the contact.', noteRequestSchema),
  changeTopic: command('topic', 'Change the topic', 'An unknown topic is 404 `topic_not_found`.', changeTopicRequestSchema),
  close: command('close', 'Close', 'Closing a closed ticket answers `changed: false`.'),
  replyToTicket: defineRoute({
    method: 'post',
    path: '/tickets/{ticket}/messages',
    permission: 'messages.send',
    summary: 'Reply to the ticket\'s contact',
    description:
      'Queues an outgoing message to the contact\'s first URN through the channel it last wrote in. In the same transaction: the first reply sets `replied_on`, every reply `last_activity_on`, and a reply to an unassigned ticket assigns it to the sender (a `ticket_assignee_changed` event).',
    tags,
    params: ticketParams,
    body: replyRequestSchema,
    responses: {
      201: { description: 'The queued message', schema: conversationMsgSchema },
      400: badRequest,
      403: { description: '`cannot_reply_non_own`: the ticket is someone else\'s and the member may not reply to it', schema: errorSchema },
      404: ticketNotFound,
      409: { description: '`ticket_closed`, `contact_stopped`, `contact_blocked`, `contact_has_no_urn`', schema: errorSchema },
    },
  }),
  getConversation: defineRoute({
    method: 'get',
    path: '/tickets/{ticket}/conversation',
    permission: 'tickets.read',
    summary: 'The ticket\'s conversation: messages in and out, notes and history, newest first',
    description:
      'The contact\'s messages from the later of 30 days before the ticket opened and its previous ticket\'s close, until the ticket closed (open: until now), merged with the ticket\'s history events; 50 a page.',
    tags,
    params: ticketParams,
    query: conversationQuerySchema,
    responses: { 200: { description: 'A page', schema: conversationPageSchema }, 400: badRequest, 404: ticketNotFound },
  }),
  createAttachmentUpload: defineRoute({
    method: 'post',
    path: '/attachments',
    permission: 'attachments.upload',
    summary: 'An upload URL for a message attachment (S3 presigned PUT)',
    description: 'Images, audio, video, PDF, office documents, zip, plain text, CSV; at most 25 MB. The answer\'s `url` goes into a reply\'s `attachments`.',
    tags: ['conversations'],
    body: attachmentRequestSchema,
    responses: { 201: { description: 'Where to PUT the file', schema: attachmentUploadSchema }, 400: badRequest },
  }),
  reopen: command('reopen', 'Reopen', 'Reopening an open ticket answers `changed: false`; 409 `contact_has_open_ticket` when the contact has another open ticket.'),
};
