// Channels: how a workspace's contacts write in and how their messages reach
// them (docs/channels.md). Two types: the generic External API (`EX`,
// courier's `handlers/external` contract) and Telegram bots (`TG`). A channel
// holds its public configuration and, sealed apart, its secrets (an EX
// channel's `send_authorization` and header values, a bot's token and webhook
// secret); secrets never leave the channel's use cases in clear.
import { ValidationError } from './errors';

export type ChannelType = 'EX' | 'TG';
export const CHANNEL_TYPES: readonly ChannelType[] = ['EX', 'TG'];

export type ExMethod = 'GET' | 'POST' | 'PUT';
export type ExContentType = 'urlencoded' | 'json' | 'xml';

/** RapidPro's default EX body (urlencoded). */
export const DEFAULT_EX_BODY =
  'id={{id}}&text={{text}}&to={{to}}&to_no_plus={{to_no_plus}}&from={{from}}&from_no_plus={{from_no_plus}}&channel={{channel}}';
export const DEFAULT_EX_MAX_LENGTH = 160;
export const TELEGRAM_MAX_LENGTH = 4096;
/** The longest text a contact's message may have (Telegram's own limit; longer EX texts are refused). */
export const MAX_INBOUND_TEXT_LENGTH = 4096;
export const MAX_CHANNEL_NAME_LENGTH = 64;

/** The public part of an EX channel's configuration (secrets live in `ExSecrets`). */
export interface ExConfig {
  send_url: string;
  method: ExMethod;
  content_type: ExContentType;
  body: string;
  max_length: number;
  mt_response_check: string | null;
  /** Names of the extra headers sent (their values are secret). */
  header_names: string[];
  /** Whether a `send_authorization` is set (its value is secret). */
  has_authorization: boolean;
}

export interface ExSecrets {
  send_authorization: string | null;
  headers: Record<string, string>;
}

export interface TgConfig {
  /** The bot's username (from getMe). */
  bot_username: string;
}

export interface TgSecrets {
  auth_token: string;
  /** What Telegram must send in `X-Telegram-Bot-Api-Secret-Token` with every update. */
  webhook_secret: string;
}

export type ChannelConfig = ({ type: 'EX' } & ExConfig) | ({ type: 'TG' } & TgConfig);
export type ChannelSecrets = ExSecrets | TgSecrets;

export interface Channel {
  workspace: string;
  uuid: string;
  type: ChannelType;
  name: string;
  /** The channel's own address: an EX number or id (`{{from}}`), a bot's username. */
  address: string | null;
  /** URN schemes it serves, the first one used for contacts writing in (`tel`, `ext`, `telegram`…). */
  schemes: string[];
  /** ISO 3166 alpha-2; phone numbers written without a country code are read in it. */
  country: string | null;
  config: ExConfig | TgConfig;
  /** The secrets, sealed (AES-256-GCM; shared/adapters/secrets): never returned, never logged. */
  sealed_secrets: string;
  created_on: string;
  modified_on: string;
}

export const DEFAULT_SCHEMES: Record<ChannelType, string[]> = { EX: ['tel'], TG: ['telegram'] };

const SCHEME_PATTERN = /^[a-z][a-z0-9]{1,15}$/;

export function validateSchemes(schemes: string[]): void {
  if (schemes.length === 0) throw new ValidationError('schemes', 'A channel serves at least one URN scheme.');
  for (const scheme of schemes)
    if (!SCHEME_PATTERN.test(scheme)) throw new ValidationError('schemes', `"${scheme}" is not a URN scheme (lowercase letters and digits).`);
}

/** The scheme of a URN (`tel:+1…` → `tel`), or null when it is not one. */
export function urnScheme(urn: string): string | null {
  const match = /^([a-z][a-z0-9]*):./.exec(urn);
  return match ? match[1]! : null;
}

/** The path of a URN (`tel:+254…` → `+254…`; `telegram:123#user` → `123`). */
export function urnPath(urn: string): string {
  const rest = urn.slice(urn.indexOf(':') + 1);
  const cut = rest.search(/[#?]/);
  return cut === -1 ? rest : rest.slice(0, cut);
}

// --- what administrators send (the HTTP schemas check the shapes; these, the rules) ---

export interface ExConfigInput {
  send_url: string;
  method?: ExMethod;
  content_type?: ExContentType;
  body?: string;
  max_length?: number;
  send_authorization?: string | null;
  headers?: Record<string, string>;
  mt_response_check?: string | null;
}

export interface TgConfigInput {
  auth_token: string;
}

export interface ChannelInput {
  type: ChannelType;
  name: string;
  schemes?: string[];
  address?: string | null;
  country?: string | null;
  config: ExConfigInput | TgConfigInput;
}

export interface ChannelPatch {
  name?: string;
  schemes?: string[];
  address?: string | null;
  country?: string | null;
  config?: Partial<ExConfigInput> | TgConfigInput;
}

/** Headers the gateway request sets itself; a channel may not override them. */
const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'host', 'authorization', 'transfer-encoding', 'connection']);
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;

export function validateSendUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url.replace(/\{\{\w+\}\}/g, 'x'));
  } catch {
    throw new ValidationError('config.send_url', 'send_url must be an absolute http(s) URL.');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ValidationError('config.send_url', 'send_url must be an absolute http(s) URL.');
  // Message values may fill the path and query, never the host: a message's text must not choose where it is sent.
  const authority = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split(/[/?#]/)[0] ?? '';
  if (authority.includes('{{')) throw new ValidationError('config.send_url', 'send_url may use {{…}} variables in its path and query only, not in its host.');
  // The instance metadata and link-local addresses are never a gateway.
  if (/^169\.254\./.test(parsed.hostname) || /^\[?fe80:/i.test(parsed.hostname) || /^\[?fd00:ec2::254\]?$/i.test(parsed.hostname) || /^\[::ffff:(a9fe:|169\.254\.)/i.test(parsed.hostname))
    throw new ValidationError('config.send_url', 'send_url may not point at a link-local address.');
}

export function validateExHeaders(headers: Record<string, string>): void {
  const entries = Object.entries(headers);
  if (entries.length > 10) throw new ValidationError('config.headers', 'At most 10 extra headers.');
  for (const [name, value] of entries) {
    if (!HEADER_NAME.test(name)) throw new ValidationError('config.headers', `"${name.slice(0, 64)}" is not a header name.`);
    if (RESERVED_HEADERS.has(name.toLowerCase()))
      throw new ValidationError('config.headers', `The ${name} header is set by Ticketer (use send_authorization for Authorization).`);
    if (/[\r\n\0]/.test(value)) throw new ValidationError(`config.headers.${name}`, 'A header value may not contain line breaks.');
  }
}
