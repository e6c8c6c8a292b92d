// Telegram bots (TG), the protocol: the Bot API calls that deliver a message
// and the updates Telegram posts to the channel's receive URL
// (docs/channels.md). No I/O here: telegram-api.ts calls the Bot API.
import { createHash, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { MAX_INBOUND_TEXT_LENGTH, TELEGRAM_MAX_LENGTH } from '#domain/channel';
import { ValidationError } from '#domain/errors';
import { findMalformedText } from '#domain/text';
import { splitText } from './text';

export const DEFAULT_TELEGRAM_API_URL = 'https://api.telegram.org';
/** Telegram's limit for a photo's or document's caption. */
const MAX_CAPTION_LENGTH = 1024;

/** A one-time reply keyboard, one button per row (as RapidPro shows short lists). */
export function replyKeyboard(replies: string[]) {
  return { keyboard: replies.map((reply) => [{ text: reply }]), resize_keyboard: true, one_time_keyboard: true };
}

export interface TelegramCall {
  method: 'sendMessage' | 'sendPhoto' | 'sendDocument';
  payload: Record<string, unknown>;
}

/**
 * The Bot API calls that deliver a message, in order: the text in parts of
 * 4096 characters (or as the caption of a single attachment), then each
 * attachment — images with sendPhoto, anything else with sendDocument. Quick
 * replies ride on the last call as a one-time keyboard.
 */
export function buildTelegramCalls(chatId: string, message: { text: string; attachments: string[]; quick_replies: string[] }): TelegramCall[] {
  const attachments = message.attachments.map((attachment) => {
    const match = /^([a-z]+\/[^:]+):(.+)$/i.exec(attachment);
    return match ? { type: match[1]!.toLowerCase(), url: match[2]! } : { type: '', url: attachment };
  });
  const captioned = attachments.length === 1 && message.text !== '' && Array.from(message.text).length <= MAX_CAPTION_LENGTH;
  const calls: TelegramCall[] = [];
  if (message.text !== '' && !captioned)
    for (const part of splitText(message.text, TELEGRAM_MAX_LENGTH)) calls.push({ method: 'sendMessage', payload: { chat_id: chatId, text: part } });
  for (const attachment of attachments) {
    const isImage = attachment.type.startsWith('image/');
    calls.push({
      method: isImage ? 'sendPhoto' : 'sendDocument',
      payload: { chat_id: chatId, [isImage ? 'photo' : 'document']: attachment.url, ...(captioned ? { caption: message.text } : {}) },
    });
  }
  if (calls.length === 0) calls.push({ method: 'sendMessage', payload: { chat_id: chatId, text: message.text } });
  const last = calls[calls.length - 1]!;
  last.payload.reply_markup = message.quick_replies.length > 0 ? replyKeyboard(message.quick_replies) : { remove_keyboard: true };
  return calls;
}

// --- receiving ---

/** The header Telegram sends the webhook's secret in (API Gateway lowercases names). */
export const SECRET_TOKEN_HEADER = 'x-telegram-bot-api-secret-token';

/** Compares without leaking, through timing, how much of the token matched. */
export function secretTokenMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(expected), digest(given));
}

const fileSchema = z.object({ file_id: z.string().min(1).max(512), file_size: z.number().optional(), mime_type: z.string().max(255).optional() });

const updateSchema = z.object({
  update_id: z.number().int(),
  message: z
    .object({
      message_id: z.number().int(),
      date: z.number().int().nonnegative().max(4_294_967_295),
      from: z.object({ id: z.number().int(), first_name: z.string().max(256).optional(), last_name: z.string().max(256).optional(), username: z.string().max(256).optional() }),
      text: z.string().optional(),
      caption: z.string().optional(),
      photo: z.array(fileSchema).optional(),
      document: fileSchema.extend({ file_name: z.string().optional() }).optional(),
      voice: fileSchema.optional(),
      location: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }).optional(),
      contact: z.object({ phone_number: z.string().max(64).optional(), first_name: z.string().max(256).optional(), last_name: z.string().max(256).optional() }).optional(),
    })
    .optional(),
});

export type TelegramInbound =
  | { kind: 'ignored'; reason: string }
  | { kind: 'start'; urn: string; name: string | null; received_on: Date }
  | { kind: 'message'; urn: string; name: string | null; text: string; attachments: string[]; external_id: string; received_on: Date };

/** A Telegram file by its file id (downloading it needs the bot token, so no URL with the token is stored; the channels use case copies the file into the attachments bucket and replaces this). */
const fileAttachment = (type: string, fileId: string) => `${type}:telegram-file:${fileId}`;

/** Reads one update; ValidationError (400) says what is wrong. */
export function parseTelegramUpdate(body: string): TelegramInbound {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ValidationError('body', 'The update is not valid JSON.', 'invalid_json');
  }
  const malformed = findMalformedText(json);
  if (malformed) throw new ValidationError(malformed.path || 'body', malformed.message);
  const parsed = updateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(issue?.path.join('.') || 'body', `Not a Telegram update: ${issue?.message ?? 'invalid'}`);
  }
  const message = parsed.data.message;
  if (!message) return { kind: 'ignored', reason: 'Ignoring request, no message' };
  const urn = `telegram:${message.from.id}`;
  if (message.from.id <= 0) throw new ValidationError('message.from.id', 'The sender id must be positive.');
  const fullName = [message.from.first_name, message.from.last_name].filter(Boolean).join(' ').trim();
  const name = (fullName || message.from.username || '').slice(0, 128) || null;
  const received_on = new Date(message.date * 1000);
  if (message.text?.trim() === '/start') return { kind: 'start', urn, name, received_on };

  let text = message.text ?? message.caption ?? '';
  const attachments: string[] = [];
  if (message.photo && message.photo.length > 0) {
    const largest = message.photo.reduce((best, photo) => ((photo.file_size ?? 0) >= (best.file_size ?? 0) ? photo : best));
    attachments.push(fileAttachment('image/jpeg', largest.file_id));
  } else if (message.document) {
    attachments.push(fileAttachment(message.document.mime_type || 'application/octet-stream', message.document.file_id));
  } else if (message.voice) {
    attachments.push(fileAttachment(message.voice.mime_type || 'audio/ogg', message.voice.file_id));
  } else if (message.location) {
    text = '';
    attachments.push(`geo:${message.location.latitude.toFixed(6)},${message.location.longitude.toFixed(6)}`);
  } else if (message.contact) {
    const phone = message.contact.phone_number ? `(${message.contact.phone_number})` : '';
    text = [message.contact.first_name, message.contact.last_name, phone].filter(Boolean).join(' ');
  }
  if (Array.from(text).length > MAX_INBOUND_TEXT_LENGTH)
    throw new ValidationError('message.text', `text is longer than ${MAX_INBOUND_TEXT_LENGTH} characters.`, 'text_too_long');
  if (text === '' && attachments.length === 0) return { kind: 'ignored', reason: 'Ignoring request, no text or attachment' };
  // message_id is unique only within its chat: the sender's id keeps two contacts' messages apart.
  return { kind: 'message', urn, name, text, attachments, external_id: `${message.from.id}:${message.message_id}`, received_on };
}
