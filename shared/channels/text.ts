// Text helpers shared by the channel adapters: escaping values for a body
// template, filling a template, splitting long text into parts.

/** Lone surrogates become U+FFFD, so every encoder below sees well-formed text. */
export function wellFormed(value: string): string {
  return value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Go's url.QueryEscape, as courier encodes form values: unreserved characters kept, space as `+`, everything else %XX of UTF-8. */
export function queryEscape(value: string): string {
  return encodeURIComponent(wellFormed(value))
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** A JSON string literal as Go's encoding/json writes it (HTML-safe: `<`, `>`, `&`, U+2028 and U+2029 escaped). */
export function jsonQuote(value: string): string {
  return JSON.stringify(wellFormed(value)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** XML character data as Go's xml.EscapeText writes it; characters XML cannot carry become U+FFFD. */
export function xmlEscape(value: string): string {
  let out = '';
  for (const char of wellFormed(value)) {
    const code = char.codePointAt(0)!;
    switch (char) {
      case '"': out += '&#34;'; break;
      case "'": out += '&#39;'; break;
      case '&': out += '&amp;'; break;
      case '<': out += '&lt;'; break;
      case '>': out += '&gt;'; break;
      case '\t': out += '&#x9;'; break;
      case '\n': out += '&#xA;'; break;
      case '\r': out += '&#xD;'; break;
      default: {
        const allowed = code >= 0x20 && !(code >= 0xfffe && code <= 0xffff);
        out += allowed ? char : '\uFFFD';
      }
    }
  }
  return out;
}

/**
 * Fills `{{name}}` placeholders in one pass (a value that itself contains
 * `{{text}}` is not filled again); unknown placeholders stay as written.
 */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? values[name]! : whole));
}

/**
 * Splits text into parts of at most `max` characters (code points), cutting
 * at the last whitespace of a part when there is one in its second half, else
 * hard at `max`. Parts are trimmed; blank parts are dropped; text that fits is
 * one part as is.
 */
export function splitText(text: string, max: number): string[] {
  const chars = Array.from(text);
  if (chars.length <= max) return [text];
  const parts: string[] = [];
  let start = 0;
  while (start < chars.length) {
    let end = Math.min(start + max, chars.length);
    if (end < chars.length && !/\s/.test(chars[end]!)) {
      // Cut after the last whitespace inside the window, if it leaves a reasonably full part.
      for (let i = end - 1; i > start + Math.floor(max / 2); i--) {
        if (/\s/.test(chars[i]!)) {
          end = i + 1;
          break;
        }
      }
    }
    const part = chars.slice(start, end).join('').trim();
    if (part !== '') parts.push(part);
    start = end;
  }
  return parts;
}
