// Request and response schemas of the resource API (JSON, snake_case). They
// validate requests and, through `.meta({ id })`, become the components of
// docs/openapi.json. Response schemas mirror the use cases' views.
import * as z from 'zod';
import { CONTACT_FIELD_KEY_PATTERN, isReservedFieldKey } from '#domain/contact';
import {
  MAX_CONTACT_FIELD_KEY_LENGTH,
  MAX_CONTACT_FIELD_VALUE_LENGTH,
  MAX_CONTACT_FIELDS,
  MAX_CONTACT_NAME_LENGTH,
  MAX_CONTACT_URN_LENGTH,
  MAX_CONTACT_URNS,
  MAX_CURSOR_LENGTH,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  MAX_NOTE_LENGTH,
  MAX_TOPIC_NAME_LENGTH,
} from '#domain/limits';
import { PAGE_SIZE } from '#use-cases/context';

/** The largest page a list answers (the domain's limit, shown in the OpenAPI document). */
export const PAGE_MAX_LIMIT = PAGE_SIZE.folderMax;

export const timestamp = z.string().meta({ description: 'ISO-8601 UTC, 6 fractional digits', example: '2026-11-24T10:00:00.123000Z' });
export const note = z.string().trim().min(1).max(MAX_NOTE_LENGTH);
export const topicName = z.string().trim().min(1).max(MAX_TOPIC_NAME_LENGTH);
/** A paging cursor as a list handed it out (opaque; checked by the list). */
export const cursor = z.string().min(1).max(MAX_CURSOR_LENGTH);

export const userRefSchema = z.object({ uuid: z.uuid(), email: z.string(), name: z.string() }).meta({ id: 'UserRef' });
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

export const contactSchema = z
  .object({
    uuid: z.uuid(),
    name: z.string().nullable(),
    language: z.string().nullable(),
    urns: z.array(z.string()),
    fields: z.record(z.string(), z.string().nullable()),
    open_ticket: z.uuid().nullable(),
    status: z.enum(['active', 'stopped', 'blocked']).meta({ description: '`stopped`: the gateway reported the contact stopped (it writes in again: active); nothing is sent to a stopped or blocked contact' }),
    last_channel: z.object({ uuid: z.string(), name: z.string() }).nullable().meta({ description: 'The channel the contact last wrote in: replies go out through it' }),
    created_on: timestamp,
    modified_on: timestamp,
  })
  .meta({ id: 'Contact' });

export const topicSchema = z
  .object({
    uuid: z.uuid(),
    name: z.string(),
    system: z.boolean(),
    counts: z.object({ open: z.number().int(), closed: z.number().int() }),
    created_on: timestamp,
  })
  .meta({ id: 'Topic' });

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

export const contactDetailsSchema = contactSchema
  .extend({
    groups: z
      .array(z.object({ uuid: z.string(), name: z.string() }))
      .meta({ description: 'The contact\'s groups as its last flow session holds them (no session: none)' }),
  })
  .meta({ id: 'ContactDetails' });

export const ticketDetailSchema = z
  .object({ ticket: ticketSchema, history: z.array(ticketEventSchema), contact: contactDetailsSchema })
  .meta({ id: 'TicketDetail' });

export const openedTicketSchema = z
  .object({
    ticket: ticketSchema,
    events: z.array(ticketEventSchema),
  })
  .meta({ id: 'OpenedTicket' });

export const topicListSchema = z.object({ results: z.array(topicSchema) }).meta({ id: 'TopicList' });

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'ticket_not_found' }),
      message: z.string(),
      field: z.string().optional().meta({ description: 'The offending request field (dotted path), for 400s' }),
    }),
  })
  .meta({ id: 'Error' });

// ---- requests

// The same rules as shared/domain/contact.ts, here so that they are reported
// under the request's own field names and appear in the OpenAPI document.
export const contactInputSchema = z
  .object({
    name: z.string().max(MAX_CONTACT_NAME_LENGTH).nullable().optional(),
    urns: z
      .array(z.string().max(MAX_CONTACT_URN_LENGTH).regex(/^[a-z]+:.+$/, 'Not a URN (scheme:path)'))
      .max(MAX_CONTACT_URNS)
      .optional()
      .meta({ example: ['tel:+250788123123'] }),
    language: z.string().max(3).regex(/^[a-z]{3}$/, 'Not an ISO 639-3 code such as "eng"').nullable().optional(),
    fields: z
      .record(
        z
          .string()
          .max(MAX_CONTACT_FIELD_KEY_LENGTH)
          .regex(CONTACT_FIELD_KEY_PATTERN, 'Not a field key (lowercase letters, digits, _)')
          .refine((key) => !isReservedFieldKey(key), 'A reserved name, not a field key'),
        z.string().max(MAX_CONTACT_FIELD_VALUE_LENGTH).nullable(),
      )
      .refine((fields) => Object.keys(fields).length <= MAX_CONTACT_FIELDS, `At most ${MAX_CONTACT_FIELDS} fields`)
      .optional(),
  })
  .meta({ id: 'ContactInput' });

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
export const topicNameRequestSchema = z.object({ name: topicName }).meta({ id: 'TopicNameRequest' });

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

export const idempotencyHeaderSchema = z.object({
  'idempotency-key': z.string().min(1).max(MAX_IDEMPOTENCY_KEY_LENGTH).optional().meta({ description: 'Retries with the same key open at most one ticket and get the same answer' }),
});

export const ticketParams = z.object({ ticket: z.uuid() });
export const topicParams = z.object({ topic: z.uuid() });
export const contactParams = z.object({ contact: z.uuid() });
