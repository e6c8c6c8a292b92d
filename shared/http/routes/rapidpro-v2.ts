// Routes of the HttpRapidProV2 function (RapidPro API v2 compatible).
import { v2DetailErrorSchema, v2ValidationErrorSchema } from '../rapidpro-v2-envelopes';
import {
  v2FailuresSchema,
  v2TicketActionRequestSchema,
  v2TicketListSchema,
  v2TicketsQuerySchema,
  v2TopicListSchema,
  v2TopicSchema,
  v2TopicsQuerySchema,
  v2TopicWriteSchema,
  v2UserListSchema,
  v2UsersQuerySchema,
} from '../rapidpro-v2-schemas';
import { defineRoute } from '../route-spec';

const tags = ['rapidpro-v2'];
const badRequest = { description: 'Invalid request', schema: v2ValidationErrorSchema };

export const rapidProV2Routes = {
  listTickets: defineRoute({
    method: 'get',
    path: '/api/v2/tickets.json',
    permission: 'tickets.read',
    summary: 'Tickets, newest modified_on first, 250 a page',
    tags,
    query: v2TicketsQuerySchema,
    responses: { 200: { description: 'A page', schema: v2TicketListSchema }, 400: badRequest },
  }),
  ticketActions: defineRoute({
    method: 'post',
    path: '/api/v2/ticket_actions.json',
    permission: 'tickets.work',
    summary: 'Apply one action to up to 100 tickets',
    description:
      'A ticket the action leaves unchanged is a failure: closing a closed ticket, reopening an open one or one whose contact has another open ticket, assigning the current assignee, setting the current topic. Unknown ticket uuids reject the whole request (400 on `tickets`) before anything changes.',
    tags,
    body: v2TicketActionRequestSchema,
    responses: {
      204: { description: 'Every ticket changed' },
      200: { description: 'Some tickets could not be changed', schema: v2FailuresSchema },
      400: badRequest,
    },
  }),
  listTopics: defineRoute({
    method: 'get',
    path: '/api/v2/topics.json',
    permission: 'tickets.read',
    summary: 'Topics (all on one page)',
    tags,
    query: v2TopicsQuerySchema,
    responses: { 200: { description: 'Topics', schema: v2TopicListSchema }, 400: badRequest },
  }),
  writeTopic: defineRoute({
    method: 'post',
    path: '/api/v2/topics.json',
    permission: 'topics.manage',
    summary: 'Create a topic, or rename the one named by `?uuid=`',
    tags,
    query: v2TopicsQuerySchema,
    body: v2TopicWriteSchema,
    responses: {
      201: { description: 'Created', schema: v2TopicSchema },
      200: { description: 'Renamed', schema: v2TopicSchema },
      400: badRequest,
      403: { description: 'The system topic, or a role that may not manage topics', schema: v2DetailErrorSchema },
      404: { description: 'No topic with this uuid', schema: v2DetailErrorSchema },
    },
  }),
  listUsers: defineRoute({
    method: 'get',
    path: '/api/v2/users.json',
    permission: 'tickets.read',
    summary: 'The workspace\'s users, optionally of one role',
    tags,
    query: v2UsersQuerySchema,
    responses: { 200: { description: 'Users (all on one page)', schema: v2UserListSchema }, 400: badRequest },
  }),
};
