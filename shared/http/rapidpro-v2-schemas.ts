// Schemas of the RapidPro-compatible API v2 (shared/reference/rapidpro-tickets.md):
// the shapes existing RapidPro clients parse, so field names and envelopes are theirs.
import * as z from 'zod';
import { MAX_EMAIL_LENGTH } from '#domain/limits';
import { listOf } from './rapidpro-v2-envelopes';
import { cursor, note, topicName } from './schemas';

export const V2_MAX_TICKETS_PER_ACTION = 100;

const timestamp = z.string().meta({ example: '2026-11-24T10:00:00.123000Z' });
const userRef = z.object({ email: z.string(), name: z.string() });

export const v2TicketSchema = z
  .object({
    uuid: z.uuid(),
    contact: z.object({ uuid: z.uuid(), name: z.string().nullable() }),
    status: z.enum(['open', 'closed']),
    topic: z.object({ uuid: z.uuid(), name: z.string() }),
    body: z.null().meta({ description: 'Deprecated upstream; always null' }),
    assignee: userRef.nullable(),
    opened_on: timestamp,
    opened_by: userRef.nullable(),
    opened_in: z.object({ uuid: z.string(), name: z.string() }).nullable(),
    modified_on: timestamp,
    closed_on: timestamp.nullable(),
  })
  .meta({ id: 'V2Ticket' });

export const v2TicketListSchema = listOf(v2TicketSchema, 'V2TicketList');

export const v2TicketsQuerySchema = z.object({
  uuid: z.uuid().optional(),
  contact: z.uuid().optional(),
  cursor: cursor.optional(),
});

const tickets = z.array(z.uuid()).min(1).max(V2_MAX_TICKETS_PER_ACTION);

export const v2TicketActionRequestSchema = z
  .discriminatedUnion('action', [
    z.object({
      tickets,
      action: z.literal('assign'),
      assignee: z.email().max(MAX_EMAIL_LENGTH).nullable().meta({ description: 'Required key; null unassigns' }),
    }),
    z.object({ tickets, action: z.literal('add_note'), note }),
    z.object({ tickets, action: z.literal('change_topic'), topic: z.uuid() }),
    z.object({ tickets, action: z.literal('close') }),
    z.object({ tickets, action: z.literal('reopen') }),
  ])
  .meta({ id: 'V2TicketActionRequest' });
export type V2TicketAction = z.output<typeof v2TicketActionRequestSchema>;

export const v2FailuresSchema = z
  .object({ failures: z.array(z.uuid()) })
  .meta({ id: 'V2ActionFailures', description: 'Tickets the action could not change; the others were changed' });

export const v2TopicSchema = z
  .object({
    uuid: z.uuid(),
    name: z.string(),
    counts: z.object({ open: z.number().int(), closed: z.number().int() }),
    system: z.boolean(),
    created_on: timestamp,
  })
  .meta({ id: 'V2Topic' });

export const v2TopicListSchema = listOf(v2TopicSchema, 'V2TopicList');
export const v2TopicsQuerySchema = z.object({ uuid: z.uuid().optional() });
export const v2TopicWriteSchema = z.object({ name: topicName }).meta({ id: 'V2TopicWrite' });

export const v2UserSchema = z
  .object({
    uuid: z.uuid(),
    email: z.string(),
    name: z.string(),
    first_name: z.string(),
    last_name: z.string(),
    role: z.enum(['administrator', 'editor', 'viewer', 'agent']),
    created_on: timestamp,
  })
  .meta({ id: 'V2User' });
export const v2UserListSchema = listOf(v2UserSchema, 'V2UserList');
export const v2UsersQuerySchema = z.object({
  role: z.enum(['administrator', 'editor', 'viewer', 'agent']).optional().meta({ description: 'Only users with this role' }),
});
