// Contact URNs: `scheme:path?query#display` (e.g. tel:+12065551212,
// twitterid:54784326227#nyaruka).
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export interface ParsedURN {
  scheme: string;
  path: string;
  query: string;
  display: string;
}

const URN = /^([a-z][a-z0-9-]*):([^?#]+)(?:\?([^#]*))?(?:#(.*))?$/;

export function parseURN(urn: string): ParsedURN | undefined {
  const m = URN.exec(urn);
  if (!m) return undefined;
  return { scheme: m[1]!, path: m[2]!, query: m[3] ?? '', display: m[4] ?? '' };
}

/** The URN without query parameters (channel affinity etc.). */
export function urnWithoutQuery(urn: string): string {
  const p = parseURN(urn);
  if (!p) return urn;
  return `${p.scheme}:${p.path}${p.display ? `#${p.display}` : ''}`;
}

/** How a URN is shown to people: its display name, or a formatted path. */
export function formatURN(urn: ParsedURN): string {
  if (urn.display) return urn.display;
  if (urn.scheme === 'tel') {
    const phone = parsePhoneNumberFromString(urn.path);
    if (phone?.isValid()) return phone.formatNational();
  }
  return urn.path;
}

/**
 * Normalizes a phone number to E.164, or undefined when it is not one. A
 * number that is not valid for the country is tried as international.
 */
export function normalizePhone(text: string, country: string): string | undefined {
  const local = parsePhoneNumberFromString(text, (country || undefined) as CountryCode | undefined);
  if (local?.isValid()) return local.number;
  const digits = text.replace(/[^\d]/g, '');
  const international = parsePhoneNumberFromString(`+${digits}`);
  if (international?.isValid()) return international.number;
  return local?.isPossible() ? local.number : undefined;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Per-scheme checks of a URN's path (numeric ids, e-mail addresses, phone numbers). */
const PATH_RULES: Record<string, RegExp> = {
  tel: /^\+?[\d*#]{1,64}$/,
  telegram: /^\d+$/,
  twitterid: /^\d+$/,
  whatsapp: /^\d{1,15}$/,
  facebook: /^(\d+|ref:.+)$/,
  mailto: EMAIL,
  twitter: /^[A-Za-z0-9_]{1,15}$/,
};

export function validateURN(urn: string): boolean {
  const p = parseURN(urn);
  if (!p) return false;
  const rule = Object.hasOwn(PATH_RULES, p.scheme) ? PATH_RULES[p.scheme] : undefined;
  return rule ? rule.test(p.path) : p.path.trim() !== '';
}
