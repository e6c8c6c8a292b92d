// The External API channel (EX), compatible with nyaruka courier's
// `handlers/external`: what a gateway built for RapidPro sends and receives
// works against Ticketer by changing the host (docs/channels.md). The
// protocol only — requests built, requests read; no I/O (the sender is
// external-sender.ts).
import { DEFAULT_EX_BODY, DEFAULT_EX_MAX_LENGTH, MAX_INBOUND_TEXT_LENGTH, type Channel, type ExConfig, type ExContentType, type ExSecrets } from '#domain/channel';
import { ValidationError } from '#domain/errors';
import { findMalformedText } from '#domain/text';
import { normalizePhone, validateURN } from '#flows/urns';
import type { OutgoingMessage } from '#use-cases/channel-ports';
import type { GatewayRequest } from './http';
import { fillTemplate, jsonQuote, queryEscape, splitText, xmlEscape } from './text';

const CONTENT_TYPE_HEADER: Record<ExContentType, string> = {
  urlencoded: 'application/x-www-form-urlencoded',
  json: 'application/json',
  xml: 'text/xml; charset=utf-8',
};

export function defaultExConfig(): Omit<ExConfig, 'send_url'> {
  return { method: 'POST', content_type: 'urlencoded', body: DEFAULT_EX_BODY, max_length: DEFAULT_EX_MAX_LENGTH, mt_response_check: null, header_names: [], has_authorization: false };
}

function encode(value: string, contentType: ExContentType): string {
  if (contentType === 'json') return jsonQuote(value);
  if (contentType === 'xml') return xmlEscape(value);
  return queryEscape(value);
}

/** `{{quick_replies}}` as courier writes it: a JSON array (json), `<item>` elements (xml), else `&quick_reply=…` pairs. */
export function quickRepliesValue(replies: string[], method: string, contentType: ExContentType): string {
  const inBody = method === 'POST' || method === 'PUT';
  if (inBody && contentType === 'json') return `[${replies.map(jsonQuote).join(',')}]`;
  if (inBody && contentType === 'xml') return replies.map((reply) => `<item>${xmlEscape(reply)}</item>`).join('');
  return replies.map((reply) => `&quick_reply=${queryEscape(reply)}`).join('');
}

const attachmentUrls = (message: Pick<OutgoingMessage, 'attachments'>) =>
  message.attachments.map((attachment) => {
    const match = /^[a-z]+\/[^:]+:(.+)$/i.exec(attachment);
    return match ? match[1]! : attachment;
  });

/** The text sent: the message text, then each attachment's URL on its own line (as courier does). */
export function textWithAttachments(message: Pick<OutgoingMessage, 'text' | 'attachments'>): string {
  return [message.text, ...attachmentUrls(message)].join('\n');
}

/**
 * The parts sent: the text with the attachments' URLs when it fits in one
 * part (courier's behaviour); otherwise the text in parts, then each URL as
 * a part of its own, never cut — a presigned attachment link is hundreds of
 * characters, and a link cut in two is no link.
 */
export function exParts(message: Pick<OutgoingMessage, 'text' | 'attachments'>, maxLength: number): string[] {
  const whole = textWithAttachments(message);
  const urls = attachmentUrls(message);
  if (urls.length === 0 || Array.from(whole).length <= maxLength) return splitText(whole, maxLength);
  return [...(message.text === '' ? [] : splitText(message.text, maxLength)), ...urls];
}

function urnPathOf(urn: string): string {
  const rest = urn.slice(urn.indexOf(':') + 1);
  const cut = rest.search(/[#?]/);
  return cut === -1 ? rest : rest.slice(0, cut);
}

/** The HTTP requests that send `message` on an EX channel, one per part, in order. */
export function buildExRequests(channel: Pick<Channel, 'uuid' | 'address'>, config: ExConfig, secrets: ExSecrets, message: OutgoingMessage): GatewayRequest[] {
  const parts = exParts(message, config.max_length);
  const to = urnPathOf(message.urn);
  const from = channel.address ?? '';
  const headers: Record<string, string> = { 'content-type': CONTENT_TYPE_HEADER[config.content_type] };
  if (secrets.send_authorization) headers['authorization'] = secrets.send_authorization;
  for (const [name, value] of Object.entries(secrets.headers)) headers[name.toLowerCase()] = value;

  return parts.map((part, index) => {
    const values: Record<string, string> = {
      id: message.uuid,
      uuid: message.uuid,
      text: part,
      to,
      to_no_plus: to.replace(/^\+/, ''),
      from,
      from_no_plus: from.replace(/^\+/, ''),
      channel: channel.uuid,
      session_status: '',
    };
    const replies = index === parts.length - 1 ? message.quick_replies : [];
    const encodeAll = (contentType: ExContentType) => ({
      ...Object.fromEntries(Object.entries(values).map(([key, value]) => [key, encode(value, contentType)])),
      quick_replies: quickRepliesValue(replies, config.method, contentType),
    });
    const url = fillTemplate(config.send_url, encodeAll('urlencoded'));
    const withBody = config.method === 'POST' || config.method === 'PUT';
    return {
      method: config.method,
      url,
      headers,
      ...(withBody ? { body: fillTemplate(config.body, encodeAll(config.content_type)) } : {}),
    };
  });
}

// --- receiving ---

/** A request to one of the public routes, as the handler read it. */
export interface InboundRequest {
  method: string;
  contentType: string;
  /** The raw body, decoded to text ('' when none). */
  body: string;
  query: Record<string, string | undefined>;
}

/**
 * The request's parameters: the query string, then a form-encoded or JSON
 * object body (its values win). A body that is neither is a 400.
 */
export function readParameters(request: InboundRequest): Map<string, string> {
  const params = new Map<string, string>();
  for (const [key, value] of Object.entries(request.query)) if (value !== undefined) params.set(key, value);
  const body = request.body.trim();
  if (body === '') return params;
  const type = request.contentType.toLowerCase();
  const looksJson = type.includes('json') || (!type.includes('form') && body.startsWith('{'));
  if (looksJson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new ValidationError('body', 'The body is not valid JSON.', 'invalid_json');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new ValidationError('body', 'The JSON body must be an object.');
    const malformed = findMalformedText(parsed);
    if (malformed) throw new ValidationError(malformed.path || 'body', malformed.message);
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value === 'string') params.set(key, value);
      else if (typeof value === 'number' || typeof value === 'boolean') params.set(key, String(value));
    }
    return params;
  }
  if (type.includes('multipart')) throw new ValidationError('body', 'Send the parameters form-encoded, as JSON or in the query string.', 'unsupported_content_type');
  for (const [key, value] of new URLSearchParams(body)) params.set(key, value);
  return params;
}

const first = (params: Map<string, string>, names: string[]) => {
  for (const name of names) {
    const value = params.get(name);
    if (value !== undefined) return value;
  }
  return undefined;
};

/** A contact's address as the channel's first scheme reads it (phone numbers to E.164 in the channel's country). */
export function urnFromSender(channel: Pick<Channel, 'schemes' | 'country'>, sender: string): string {
  const scheme = channel.schemes[0] ?? 'ext';
  const raw = sender.trim();
  if (raw.length > 255) throw new ValidationError('from', 'from is longer than 255 characters.');
  let urn: string;
  if (scheme === 'tel') {
    const phone = normalizePhone(raw, channel.country ?? '');
    const digits = raw.replace(/[\s\-().]/g, '');
    if (phone) urn = `tel:${phone}`;
    else if (/^\+?\d{1,15}$/.test(digits)) urn = `tel:${digits}`; // short codes
    else throw new ValidationError('from', `"${raw.slice(0, 40)}" is not a phone number.`);
  } else {
    urn = `${scheme}:${raw}`;
  }
  if (!validateURN(urn) || /\s/.test(urn)) throw new ValidationError('from', `"${raw.slice(0, 40)}" is not a valid ${scheme} address.`);
  return urn;
}

export interface ExInboundMessage {
  urn: string;
  text: string;
  received_on: Date;
}

/** Reads `from` (or `sender`), `text` and `date` (or `time`, RFC 3339) of a receive request; ValidationError names what is wrong. */
export function parseExReceive(channel: Pick<Channel, 'schemes' | 'country'>, request: InboundRequest, now: Date): ExInboundMessage {
  const params = readParameters(request);
  const from = first(params, ['from', 'sender']);
  if (from === undefined || from.trim() === '') throw new ValidationError('from', "must have one of 'sender' or 'from' set");
  const text = first(params, ['text']) ?? '';
  if (Array.from(text).length > MAX_INBOUND_TEXT_LENGTH)
    throw new ValidationError('text', `text is longer than ${MAX_INBOUND_TEXT_LENGTH} characters.`, 'text_too_long');
  const date = first(params, ['date', 'time']);
  let received = now;
  if (date !== undefined && date !== '') {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(date) || Number.isNaN(Date.parse(date)))
      throw new ValidationError('date', 'invalid date format, must be RFC 3339');
    received = new Date(Date.parse(date));
  }
  return { urn: urnFromSender(channel, from), text, received_on: received };
}

/** The message uuid of a status callback: `id` or `uuid`. */
export function parseExStatus(request: InboundRequest): string {
  const params = readParameters(request);
  const id = params.get('uuid') || params.get('id');
  if (!id) throw new ValidationError('id', 'parameters id or uuid should not be empty');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
    throw new ValidationError('id', `parsing failed: id '${id.slice(0, 40)}' is not a valid UUID`);
  return id.toLowerCase();
}

/** The contact of a `/stopped` call. */
export function parseExStopped(channel: Pick<Channel, 'schemes' | 'country'>, request: InboundRequest): string {
  const params = readParameters(request);
  const from = params.get('from');
  if (!from || from.trim() === '') throw new ValidationError('from', "field 'from' required");
  return urnFromSender(channel, from);
}
