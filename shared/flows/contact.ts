// The contact a session runs for: its JSON envelope, field values, and the
// membership of smart (query-based) groups that the engine keeps current.
import type { Reference } from './definition/types';
import type { SessionAssets } from './assets';
import type { TicketJSON } from './ports';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { ContactQueryError, evaluateContactQuery, parseContactQuery } from './contact-query';
import type { Environment } from './expressions/environment';
import { parseURN } from './urns';

export interface FieldValueJSON {
  text: string;
  number?: number | string;
  datetime?: string;
  state?: string;
  district?: string;
  ward?: string;
}

export interface ContactJSON {
  uuid: string;
  id?: number;
  name?: string;
  language?: string;
  status?: string;
  timezone?: string;
  created_on: string;
  last_seen_on?: string;
  urns?: string[];
  groups?: Reference[];
  fields?: Record<string, FieldValueJSON>;
  tickets?: TicketJSON[];
  [key: string]: unknown;
}

export class Contact {
  constructor(public json: ContactJSON) {
    json.urns ??= [];
    json.groups ??= [];
    json.fields ??= {};
  }

  get uuid(): string {
    return this.json.uuid;
  }
  get name(): string {
    return this.json.name ?? '';
  }
  get language(): string {
    return this.json.language ?? '';
  }
  get urns(): string[] {
    return this.json.urns ?? [];
  }
  get groups(): Reference[] {
    return this.json.groups ?? [];
  }
  get fields(): Record<string, FieldValueJSON> {
    return this.json.fields ?? {};
  }
  get tickets(): TicketJSON[] {
    return this.json.tickets ?? [];
  }

  openTicket(): TicketJSON | undefined {
    return this.tickets.find((t) => (t.status ?? 'open') === 'open');
  }

  addTicket(ticket: TicketJSON): void {
    this.json.tickets = [...this.tickets, ticket];
  }

  /** The country of the contact's first phone number, for locales. */
  country(): string | undefined {
    for (const urn of this.urns) {
      const p = parseURN(urn);
      if (p?.scheme !== 'tel') continue;
      const country = countryOfPhone(p.path);
      if (country) return country;
    }
    return undefined;
  }

  /** The JSON envelope; empty optional parts are left out, as goflow writes it. */
  toJSON(): ContactJSON {
    const out: ContactJSON = { ...this.json };
    for (const key of ['name', 'language', 'timezone'] as const) if (!out[key]) delete out[key];
    for (const key of ['urns', 'groups', 'tickets'] as const) if (!out[key]?.length) delete out[key];
    if (!Object.keys(out.fields ?? {}).length) delete out.fields;
    return out;
  }
}

function countryOfPhone(phone: string): string | undefined {
  return parsePhoneNumberFromString(phone)?.country;
}

// ------------------------------------------------------------ smart groups

export interface GroupChanges {
  added: Reference[];
  removed: Reference[];
}

/**
 * Re-evaluates smart groups after a change to the contact. Only active
 * contacts are members; a query that cannot be read matches nobody.
 */
export function reevaluateSmartGroups(contact: Contact, assets: SessionAssets, env: Environment): GroupChanges {
  const added: Reference[] = [];
  const removed: Reference[] = [];
  const active = (contact.json.status ?? 'active') === 'active';
  for (const group of assets.groups) {
    if (!group.query) continue;
    const isMember = contact.groups.some((g) => g.uuid === group.uuid);
    let shouldBe = false;
    if (active) {
      try {
        shouldBe = evaluateContactQuery(contact, parseContactQuery(group.query), assets, env);
      } catch (e) {
        if (!(e instanceof ContactQueryError)) throw e;
      }
    }
    if (shouldBe && !isMember) added.push({ uuid: group.uuid, name: group.name });
    if (!shouldBe && isMember) removed.push({ uuid: group.uuid, name: group.name });
  }
  contact.json.groups = [...contact.groups.filter((g) => !removed.some((r) => r.uuid === g.uuid)), ...added];
  return { added, removed };
}
