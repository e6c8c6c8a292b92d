// Telegram bots (TG): the Bot API calls Ticketer makes (getMe and setWebhook
// when the channel is created; sendMessage, sendPhoto, sendDocument to
// deliver) and the updates Telegram posts to the channel's receive URL
// (docs/channels.md). The API's base URL is configuration (TELEGRAM_API_URL),
// so tests run against a stand-in server.
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { MAX_INBOUND_TEXT_LENGTH, TELEGRAM_MAX_LENGTH, type TgSecrets } from '#domain/channel';
import { ValidationError } from '#domain/errors';
import type { ChannelSender, SendOutcome, TelegramSetup } from '#use-cases/channel-ports';
import { callGateway } from './http';
import { splitText } from './text';

export const DEFAULT_TELEGRAM_API_URL = 'https://api.telegram.org';
/** Telegram's limit for a photo's or document's caption. */
const MAX_CAPTION_LENGTH = 1024;

const botUrl = (apiUrl: string, token: string, method: string) => `${apiUrl.replace(/\/+$/, '')}/bot${token}/${method}`;

const apiAnswer = z.object({ ok: z.boolean(), result: z.unknown().optional(), description: z.string().optional(), error_code: z.number().optional() });

export function createTelegramSetup(apiUrl: string, timeoutMs?: number): TelegramSetup {
  async function call(token: string, method: string, payload?: unknown) {
    const answer = await callGateway(
      {
        method: 'POST',
        url: botUrl(apiUrl, token, method),
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload ?? {}),
      },
      timeoutMs,
    );
    const parsed = apiAnswer.safeParse(safeJson(answer.body));
    if (answer.ok && parsed.success && parsed.data.ok) return parsed.data.result;
    const description = parsed.success ? (parsed.data.description ?? '') : '';
    if (answer.status === 401 || answer.status === 404)
      throw new ValidationError('config.auth_token', 'Telegram does not accept this bot token.', 'invalid_bot_token');
    throw new ValidationError('config.auth_token', `Telegram's ${method} failed${description ? `: ${description.slice(0, 200)}` : ''}.`, 'telegram_unavailable');
  }
  return {
    async getMe(token) {
      const result = z.object({ username: z.string().min(1) }).safeParse(await call(token, 'getMe'));
      if (!result.success) throw new ValidationError('config.auth_token', 'Telegram\'s getMe did not name the bot.', 'telegram_unavailable');
      return { username: result.data.username };
    },
    async setWebhook(token, url, secretToken) {
      await call(token, 'setWebhook', { url, secret_token: secretToken, allowed_updates: ['message'] });
    },
    async deleteWebhook(token) {
      await call(token, 'deleteWebhook', { drop_pending_updates: false });
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

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

export function createTelegramSender(apiUrl: string, timeoutMs?: number): ChannelSender {
  return {
    async send(_channel, secrets, message): Promise<SendOutcome> {
      const { auth_token: token } = secrets as TgSecrets;
      const chatId = message.urn.slice(message.urn.indexOf(':') + 1).replace(/[#?].*$/, '');
      let externalId: string | null = null;
      for (const call of buildTelegramCalls(chatId, message)) {
        const answer = await callGateway(
          { method: 'POST', url: botUrl(apiUrl, token, call.method), headers: { 'content-type': 'application/json' }, body: JSON.stringify(call.payload) },
          timeoutMs,
        );
        if (!answer.ok) {
          if (answer.outcome.kind === 'retry') return answer.outcome;
          const parsed = apiAnswer.safeParse(safeJson(answer.body));
          const description = parsed.success ? (parsed.data.description ?? '') : '';
          if (answer.status === 403 && /blocked|deactivated/i.test(description)) return { kind: 'fail', reason: 'contact_stopped' };
          return answer.outcome;
        }
        const parsed = z.object({ ok: z.literal(true), result: z.object({ message_id: z.number() }) }).safeParse(safeJson(answer.body));
        if (!parsed.success) return { kind: 'fail', reason: 'unexpected_response' };
        externalId ??= String(parsed.data.result.message_id);
      }
      return { kind: 'sent', externalId };
    },
  };
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

/** Where a Telegram file is kept: its file id (downloading it needs the bot token, so no URL with the token is stored). */
const fileAttachment = (type: string, fileId: string) => `${type}:telegram-file:${fileId}`;

/** Reads one update; ValidationError (400) says what is wrong. */
export function parseTelegramUpdate(body: string): TelegramInbound {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ValidationError('body', 'The update is not valid JSON.', 'invalid_json');
  }
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
  return { kind: 'message', urn, name, text, attachments, external_id: String(message.message_id), received_on };
}
