import { ValidationError } from './errors';
import { isUuid } from './ids';

export interface Contact {
  workspace: string;
  uuid: string;
  name: string | null;
  language: string | null;
  urns: string[];
  fields: Record<string, string | null>;
  /** The contact's open ticket, if any: a contact has at most one (RapidPro since 2023). */
  open_ticket: string | null;
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
