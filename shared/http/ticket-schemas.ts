// Schemas of the ticket routes (HttpTickets): tickets, their history events,
// folders, commands and opening. The conversation routes' schemas are in
// conversation-schemas.ts.
import * as z from 'zod';
import { contactDetailsSchema, contactInputSchema } from './contact-schemas';
import { cursor, note, PAGE_MAX_LIMIT, timestamp, topicName, userRefSchema } from './schemas';

export const topicRefSchema = z.object({ uuid: z.uuid(), name: z.string() }).meta({ id: 'TopicRef' });

export const ticketSchema = z
  .object({
    uuid: z.uuid(),
    status: z.enum(['open', 'closed']),
    contact: z.object({ uuid: z.uuid(), name: z.string().nullable() }),
    topic: topicRefSchema,
    assignee: userRefSchema.nullable(),
    opened_on: timestamp,
    opened_by: userRefSchema.nullable(),
    opened_in: z.object({ uuid: z.string(), name: z.string() }).nullable().meta({ description: 'The flow that opened it' }),
    modified_on: timestamp,
    last_activity_on: timestamp,
    closed_on: timestamp.nullable(),
    replied_on: timestamp.nullable(),
    version: z.number().int().meta({ description: 'Goes up with every change of the ticket: of two views of it, the higher is newer (live updates carry it too)' }),
    last_message: z
      .object({ text: z.string().meta({ description: 'The first 160 characters' }), direction: z.enum(['in', 'out']), created_on: timestamp })
      .nullable()
      .meta({ id: 'LastMessage', description: 'The latest message that joined the ticket: the contact\'s (`in`) or an agent\'s reply (`out`); null until one has' }),
  })
  .meta({ id: 'Ticket' });

export const ticketEventSchema = z
  .object({
    uuid: z.uuid(),
    type: z.enum([
      'ticket_opened',
      'ticket_assignee_changed',
      'ticket_note_added',
      'ticket_topic_changed',
      'ticket_closed',
      'ticket_reopened',
    ]),
    created_on: timestamp,
    created_by: userRefSchema.nullable().meta({ description: 'null when a flow or the system acted' }),
    assignee: userRefSchema.nullable().optional(),
    previous_assignee: userRefSchema.nullable().optional(),
    note: z.string().optional(),
    topic: topicRefSchema.optional(),
    previous_topic: topicRefSchema.optional(),
  })
  .meta({ id: 'TicketEvent' });

export const commandResultSchema = z
  .object({
    changed: z.boolean().meta({ description: 'false when the ticket already was in the asked state (not an error)' }),
    ticket: ticketSchema,
    events: z.array(ticketEventSchema).meta({ description: 'The history events this command added' }),
  })
  .meta({ id: 'CommandResult' });

export const ticketPageSchema = z
  .object({
    results: z.array(ticketSchema),
    next_cursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page' }),
  })
  .meta({ id: 'TicketPage' });

export const folderCountsSchema = z
  .object({
    all: z.number().int(),
    unassigned: z.number().int(),
    mine: z.number().int(),
    topics: z.array(z.object({ uuid: z.uuid(), name: z.string(), open: z.number().int() })),
  })
  .meta({ id: 'FolderCounts', description: 'Open tickets per folder, kept up to date from the table stream (eventually consistent)' });

export const ticketDetailSchema = z
  .object({ ticket: ticketSchema, history: z.array(ticketEventSchema), contact: contactDetailsSchema })
  .meta({ id: 'TicketDetail' });

export const openedTicketSchema = z
  .object({
    ticket: ticketSchema,
    events: z.array(ticketEventSchema),
  })
  .meta({ id: 'OpenedTicket' });

export const openTicketRequestSchema = z
  .object({
    contact: contactInputSchema.extend({ uuid: z.uuid() }),
    topic: z
      .union([z.object({ uuid: z.uuid() }), z.object({ name: topicName })])
      .nullable()
      .optional()
      .meta({ description: 'By uuid, or by name (created when new); omitted or null: the system topic "General"' }),
    assignee: z.uuid().nullable().optional().meta({ description: 'A user uuid of the workspace' }),
    note: note.optional(),
  })
  .meta({ id: 'OpenTicketRequest' });

export const assignRequestSchema = z
  .object({
    assignee: z.uuid().nullable().meta({ description: 'Required; null unassigns' }),
    note: note.optional(),
  })
  .meta({ id: 'AssignRequest' });

export const noteRequestSchema = z.object({ note }).meta({ id: 'NoteRequest' });
export const changeTopicRequestSchema = z.object({ topic: z.uuid() }).meta({ id: 'ChangeTopicRequest' });

export const ticketListQuerySchema = z
  .object({
    folder: z.enum(['all', 'unassigned', 'mine', 'topic']).default('all'),
    topic: z.uuid().optional().meta({ description: 'Required with folder=topic' }),
    status: z.enum(['open', 'closed']).default('open'),
    limit: z.coerce.number().int().min(1).max(PAGE_MAX_LIMIT).default(25),
    cursor: cursor.optional(),
  })
  .superRefine((query, context) => {
    if (query.folder === 'topic' && !query.topic) {
      context.addIssue({ code: 'custom', path: ['topic'], message: 'Required with folder=topic' });
    }
  });

export const ticketParams = z.object({ ticket: z.uuid() });
