import { ValidationError } from './errors';
import { isUuid } from './ids';
import { isObjectPrototypeName } from './text';

/** RapidPro's contact statuses: a `stopped` contact asked to hear nothing more (a gateway's stop callback); a `blocked` one is ignored. */
export type ContactStatus = 'active' | 'stopped' | 'blocked';
export const CONTACT_STATUSES: readonly ContactStatus[] = ['active', 'stopped', 'blocked'];

/** A channel by uuid and name, as messages and contacts carry it. */
export interface ChannelRef {
  uuid: string;
  name: string;
}

export interface Contact {
  workspace: string;
  uuid: string;
  name: string | null;
  language: string | null;
  urns: string[];
  fields: Record<string, string | null>;
  /** The contact's open ticket, if any: a contact has at most one (RapidPro since 2023). */
  open_ticket: string | null;
  /** Absent on contacts stored before statuses existed: read as `active`. */
  status?: ContactStatus;
  /** The channel the contact last wrote in (replies and flow messages go out through it); absent or null: none yet. */
  last_channel?: ChannelRef | null;
  created_on: string;
  modified_on: string;
  /** Optimistic-concurrency counter of the stored item; 0 for a contact not stored yet. */
  version: number;
}

/** What callers (a flow runtime, the HTTP API) know about a contact; absent = keep what is stored. */
export interface ContactInput {
  uuid: string;
  name?: string | null;
  urns?: string[];
  language?: string | null;
  fields?: Record<string, string | null>;
}

// RapidPro-like limits. They also keep a contact item (and the ticket
// transaction carrying it) well under DynamoDB's item and request sizes, so an
// oversized contact is a 400 naming the field, never a storage error. The
// HTTP and invoke schemas derive their limits from these.
export const MAX_CONTACT_NAME_LENGTH = 128;
export const MAX_CONTACT_URNS = 32;
export const MAX_CONTACT_URN_LENGTH = 255;
export const MAX_CONTACT_FIELDS = 100;
export const MAX_CONTACT_FIELD_VALUE_LENGTH = 640;
export const CONTACT_FIELD_KEY_PATTERN = /^[a-z][a-z0-9_]{0,35}$/;

/**
 * Keys that match the pattern but cannot be field keys: names a plain object
 * already answers to (`constructor`; the flow engine and the storage layer keep
 * fields in objects), and the words RapidPro's contact queries and expressions
 * use for the contact's own attributes (`@contact.name`, `has`, `is`).
 */
const RESERVED_FIELD_KEYS = new Set(['id', 'uuid', 'name', 'first_name', 'language', 'urns', 'groups', 'status', 'created_on', 'modified_on', 'last_seen_on', 'has', 'is']);

export function isReservedFieldKey(key: string): boolean {
  return isObjectPrototypeName(key) || RESERVED_FIELD_KEYS.has(key);
}

export function validateContactInput(input: ContactInput, field = 'contact'): void {
  if (!isUuid(input.uuid)) throw new ValidationError(`${field}.uuid`, 'The contact uuid must be a UUID.');
  if (input.name != null && input.name.length > MAX_CONTACT_NAME_LENGTH)
    throw new ValidationError(`${field}.name`, `The name is longer than ${MAX_CONTACT_NAME_LENGTH} characters.`);
  if (input.language != null && !/^[a-z]{3}$/.test(input.language))
    throw new ValidationError(`${field}.language`, 'The language must be an ISO 639-3 code such as "eng".');
  const urns = input.urns ?? [];
  if (urns.length > MAX_CONTACT_URNS) throw new ValidationError(`${field}.urns`, `A contact has at most ${MAX_CONTACT_URNS} URNs.`);
  for (const urn of urns) {
    if (urn.length > MAX_CONTACT_URN_LENGTH)
      throw new ValidationError(`${field}.urns`, `A URN is longer than ${MAX_CONTACT_URN_LENGTH} characters.`);
    if (!/^[a-z]+:.+$/.test(urn)) throw new ValidationError(`${field}.urns`, `"${urn}" is not a URN (scheme:path).`);
  }
  const fields = Object.entries(input.fields ?? {});
  if (fields.length > MAX_CONTACT_FIELDS) throw new ValidationError(`${field}.fields`, `A contact has at most ${MAX_CONTACT_FIELDS} fields.`);
  for (const [key, value] of fields) {
    if (!CONTACT_FIELD_KEY_PATTERN.test(key))
      throw new ValidationError(`${field}.fields`, `"${key}" is not a field key (lowercase letters, digits, _).`);
    if (isReservedFieldKey(key)) throw new ValidationError(`${field}.fields.${key}`, `"${key}" is a reserved name, not a field key.`);
    if (value != null && value.length > MAX_CONTACT_FIELD_VALUE_LENGTH)
      throw new ValidationError(`${field}.fields.${key}`, `The value is longer than ${MAX_CONTACT_FIELD_VALUE_LENGTH} characters.`);
  }
}

/**
 * Upsert by uuid: given values replace stored ones, fields merge key by key
 * (null clears a field's value, as RapidPro's contact API does).
 */
export function upsertContact(
  existing: Contact | null,
  workspace: string,
  input: ContactInput,
  now: string,
): { contact: Contact; changed: boolean } {
  validateContactInput(input);
  const base: Contact = existing ?? {
    workspace,
    uuid: input.uuid,
    name: null,
    language: null,
    urns: [],
    fields: {},
    open_ticket: null,
    status: 'active',
    last_channel: null,
    created_on: now,
    modified_on: now,
    version: 0,
  };
  const next: Contact = {
    ...base,
    name: input.name !== undefined ? input.name : base.name,
    language: input.language !== undefined ? input.language : base.language,
    urns: input.urns !== undefined ? [...new Set(input.urns)] : base.urns,
    fields: input.fields !== undefined ? { ...base.fields, ...input.fields } : base.fields,
  };
  const changed =
    existing === null ||
    next.name !== base.name ||
    next.language !== base.language ||
    JSON.stringify(next.urns) !== JSON.stringify(base.urns) ||
    JSON.stringify(next.fields) !== JSON.stringify(base.fields);
  return { contact: changed ? { ...next, modified_on: now } : base, changed };
}

export function contactStatus(contact: Pick<Contact, 'status'>): ContactStatus {
  return contact.status ?? 'active';
}

/** Normalizes a URN for lookups: the scheme lowercased, the path trimmed (tel: paths keep their `+`). */
export function normalizeUrn(urn: string): string {
  const trimmed = urn.trim();
  const colon = trimmed.indexOf(':');
  if (colon < 1) return trimmed;
  return `${trimmed.slice(0, colon).toLowerCase()}:${trimmed.slice(colon + 1).trim()}`;
}

export function validateUrn(urn: string, field = 'urn'): string {
  const normalized = normalizeUrn(urn);
  if (normalized.length > MAX_CONTACT_URN_LENGTH) throw new ValidationError(field, `A URN is longer than ${MAX_CONTACT_URN_LENGTH} characters.`);
  if (!/^[a-z]+:\S.*$/.test(normalized)) throw new ValidationError(field, `"${urn}" is not a URN (scheme:path).`);
  return normalized;
}
