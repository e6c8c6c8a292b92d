// Schemas of the flow routes (HttpFlows): flow import and list, starting a
// flow, inbound messages, a contact's messages, and RapidPro's messages.json.
import * as z from 'zod';
import { MAX_ATTACHMENT_LENGTH, MAX_MESSAGE_TEXT_LENGTH } from '#domain/limits';
import { MAX_ATTACHMENT_URL_LENGTH, MAX_REPLY_ATTACHMENTS, MAX_REPLY_TEXT_LENGTH } from '#use-cases/conversations';
import { contactInputSchema } from './contact-schemas';
import { listOf } from './rapidpro-v2-envelopes';
import { cursor, PAGE_MAX_LIMIT, timestamp } from './schemas';
import { triggerSchema } from './trigger-schemas';

const flowRef = z.object({ uuid: z.string(), name: z.string() });

export const flowParams = z.object({ flow: z.uuid() });

export const flowImportRequestSchema = z
  .record(z.string(), z.unknown())
  .meta({
    id: 'FlowImport',
    description:
      'A RapidPro export (`{"version", "flows": [...], "fields", "groups", …}`, spec 13.0–14.4) or one flow definition. Every flow is validated first; one broken flow refuses the whole import (400 `invalid_definition`, the message lists every problem with its place).',
  });

export const flowImportResultSchema = z
  .object({ flows: z.array(flowRef), triggers: z.array(triggerSchema).meta({ description: 'The closed-ticket triggers (`trigger_type` "T") of the export, created or updated (docs/triggers.md)' }) })
  .meta({ id: 'FlowImportResult' });

export const flowSummarySchema = z
  .object({
    uuid: z.string(),
    name: z.string(),
    type: z.string(),
    spec_version: z.string().meta({ description: 'The spec version it was imported in; it is stored migrated to the current one' }),
    revision: z.number().nullable(),
    imported_on: timestamp,
    modified_on: timestamp,
  })
  .meta({ id: 'FlowSummary' });

export const flowListSchema = z.object({ results: z.array(flowSummarySchema) }).meta({ id: 'FlowList' });

export const startFlowRequestSchema = z
  .object({ contact: contactInputSchema.extend({ uuid: z.uuid() }) })
  .meta({ id: 'StartFlowRequest', description: 'The contact is created or updated first (as PUT /contacts/{contact} does).' });

export const inboundMessageRequestSchema = z
  .object({
    uuid: z.uuid().optional().meta({ description: 'The message\'s own uuid: a retry with the same uuid is not a second message (it answers the first outcome)' }),
    text: z.string().max(MAX_MESSAGE_TEXT_LENGTH).default(''),
    attachments: z.array(z.string().min(1).max(MAX_ATTACHMENT_LENGTH)).max(10).default([]).meta({ description: 'RapidPro style `content-type:url`' }),
  })
  .meta({ id: 'InboundMessage' });

export const sprintResultSchema = z
  .object({
    session: z.object({ uuid: z.string(), status: z.string() }).nullable().meta({ description: 'null: no session was waiting for this contact' }),
    events: z.array(z.record(z.string(), z.unknown())).meta({ description: 'goflow-shaped events of the sprint (msg_created, msg_wait, ticket_opened, …)' }),
  })
  .meta({ id: 'SprintResult' });

export const messageSchema = z
  .object({
    uuid: z.string(),
    contact: z.object({ uuid: z.string(), name: z.string().nullable() }),
    direction: z.enum(['in', 'out']),
    type: z.literal('text'),
    status: z.enum(['handled', 'queued', 'wired', 'sent', 'delivered', 'read', 'errored', 'failed']),
    text: z.string(),
    attachments: z.array(z.string()).meta({ description: 'Attachments (`content-type:url` or URLs): an object of the workspace in the attachments bucket as a presigned GET valid 1 hour (stored: its object URL); anything else as stored' }),
    urn: z.string().nullable(),
    flow: flowRef.nullable(),
    created_on: timestamp,
    modified_on: timestamp,
    origin: z.enum(['flow', 'ticket', 'api', 'channel']).optional().meta({ description: 'Where it came from (absent on messages stored before origins existed)' }),
    channel: flowRef.nullable().optional().meta({ description: 'in: the channel it came through; out: the channel to send it by' }),
    ticket_uuid: z.string().nullable().optional(),
    user_uuid: z.string().nullable().optional().meta({ description: 'The agent who wrote it' }),
    quick_replies: z.array(z.string()).optional(),
    external_id: z.string().nullable().optional(),
    attempts: z.number().int().optional(),
    failed_reason: z.string().nullable().optional(),
  })
  .meta({ id: 'Message' });

export const messagePageSchema = z
  .object({ results: z.array(messageSchema), next_cursor: z.string().nullable() })
  .meta({ id: 'MessagePage' });

export const messageListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(PAGE_MAX_LIMIT).default(50),
  cursor: cursor.optional(),
});

export const v2MessageSchema = z
  .object({
    uuid: z.string(),
    contact: z.object({ uuid: z.string(), name: z.string().nullable() }),
    direction: z.enum(['in', 'out']),
    type: z.literal('text'),
    status: z.string(),
    text: z.string(),
    attachments: z.array(z.string()),
    flow: flowRef.nullable(),
    created_on: timestamp,
    modified_on: timestamp,
  })
  .meta({ id: 'V2Message' });

export const v2MessageListSchema = listOf(v2MessageSchema, 'V2MessageList');

export const v2MessagesQuerySchema = z.object({
  contact: z.uuid().meta({ description: 'Required: messages are listed per contact' }),
  cursor: cursor.optional(),
});

/** RapidPro's POST messages.json: a conversation's message, sent as an agent's reply is. */
export const v2SendMessageRequestSchema = z
  .object({
    contact: z.uuid(),
    text: z.string().max(MAX_REPLY_TEXT_LENGTH).default(''),
    attachments: z.array(z.string().min(1).max(MAX_ATTACHMENT_URL_LENGTH)).max(MAX_REPLY_ATTACHMENTS).default([]),
  })
  .meta({ id: 'V2SendMessage' });
