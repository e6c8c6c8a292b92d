// Schemas of the conversation routes of HttpTickets: replies, the conversation
// view, attachment uploads (RapidPro's POST messages.json, served by HttpFlows, is in flow-schemas.ts).
// docs/api.md, "Conversations", shows them on the wire.
import * as z from 'zod';
import {
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENT_URL_LENGTH,
  MAX_QUICK_REPLIES,
  MAX_QUICK_REPLY_LENGTH,
  MAX_REPLY_ATTACHMENTS,
  MAX_REPLY_TEXT_LENGTH,
} from '#use-cases/conversations';
import { cursor, timestamp, userRefSchema } from './schemas';
import { ticketEventSchema } from './ticket-schemas';

const ref = z.object({ uuid: z.string(), name: z.string() });

export const replyRequestSchema = z
  .object({
    text: z.string().max(MAX_REPLY_TEXT_LENGTH).default(''),
    attachments: z
      .array(z.string().min(1).max(MAX_ATTACHMENT_URL_LENGTH))
      .max(MAX_REPLY_ATTACHMENTS)
      .default([])
      .meta({ description: 'URLs (an upload\'s `url` from POST /attachments), optionally RapidPro style `content-type:url`' }),
    quick_replies: z.array(z.string().trim().min(1).max(MAX_QUICK_REPLY_LENGTH)).max(MAX_QUICK_REPLIES).default([]),
  })
  .meta({ id: 'ReplyRequest', description: 'Text or attachments (or both) are needed.' });

export const conversationMsgSchema = z
  .object({
    uuid: z.uuid(),
    direction: z.enum(['in', 'out']),
    text: z.string(),
    attachments: z.array(z.string()).meta({ description: 'Attachments (`content-type:url` or URLs): an object of the workspace in the attachments bucket as a presigned GET valid 1 hour (stored: its object URL); anything else as stored' }),
    quick_replies: z.array(z.string()),
    status: z.enum(['handled', 'queued', 'wired', 'sent', 'delivered', 'read', 'errored', 'failed']),
    urn: z.string().nullable(),
    channel: ref.nullable(),
    user: userRefSchema.nullable().meta({ description: 'The agent who wrote it; null: the bot (see `flow`) or the contact' }),
    flow: ref.nullable(),
    ticket_uuid: z.uuid().nullable(),
    created_on: timestamp,
    modified_on: timestamp,
    failed_reason: z.string().nullable(),
  })
  .meta({ id: 'ConversationMsg' });

export const conversationItemSchema = z
  .union([conversationMsgSchema.extend({ kind: z.literal('msg') }), ticketEventSchema.extend({ kind: z.literal('event') })])
  .meta({ id: 'ConversationItem' });

export const conversationPageSchema = z
  .object({ results: z.array(conversationItemSchema), next_cursor: z.string().nullable() })
  .meta({ id: 'ConversationPage', description: 'Newest first, 50 a page.' });

export const conversationQuerySchema = z.object({ cursor: cursor.optional() });

export const attachmentRequestSchema = z
  .object({
    content_type: z.string().min(3).max(127),
    filename: z.string().min(1).max(255),
    size: z.number().int().min(1).max(MAX_ATTACHMENT_BYTES).optional().meta({ description: 'Bytes; when given the URL only accepts a body of exactly this size' }),
  })
  .meta({ id: 'AttachmentRequest' });

export const attachmentUploadSchema = z
  .object({
    upload_url: z.string().meta({ description: 'PUT the file here within 15 minutes, with `headers`' }),
    url: z.string().meta({ description: 'The object\'s URL, for a message\'s `attachments` (the bucket is private: answers and sends carry presigned GETs of it)' }),
    headers: z.record(z.string(), z.string()),
  })
  .meta({ id: 'AttachmentUpload' });
