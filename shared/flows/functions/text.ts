// Text functions: case, trimming, words, slicing, searching.
import { XArray, xError, xNumber, xText } from '../expressions/values';
import { registerFunctions } from './registry';
import { words } from './words';
import { asInteger, asText, oneText, textAndInteger, textAndOptionalText, twoTexts, typed } from './wrappers';

// goflow caps what repeat() and split() build, so one call cannot exhaust memory.
const MAX_TEXT_OUTPUT = 10_000;
const MAX_ARRAY_LENGTH = 10_000;

/** Trims characters of `chars` (whitespace when undefined) from either end. */
function trimChars(s: string, chars: string | undefined, left: boolean, right: boolean): string {
  const isTrimmed = (c: string) => (chars === undefined || chars === '' ? /\s/u.test(c) : chars.includes(c));
  const cps = [...s];
  let a = 0;
  let b = cps.length;
  if (left) while (a < b && isTrimmed(cps[a]!)) a++;
  if (right) while (b > a && isTrimmed(cps[b - 1]!)) b--;
  return cps.slice(a, b).join('');
}

const trimFunction = (left: boolean, right: boolean) => textAndOptionalText((_s, s, chars) => xText(trimChars(s, chars, left, right)));

function titleCase(s: string): string {
  return s.toLowerCase().replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

/** A character from its code point; an invalid code point gives the replacement character, as Go does. */
function fromCodePoint(n: number): string {
  return Number.isInteger(n) && n >= 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : '\ufffd';
}

/** Lone surrogates (which UTF-8 cannot encode) become the replacement character. */
export function wellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

const HTML_ENTITIES: Record<string, string> = { quot: '"', apos: "'", lt: '<', gt: '>', nbsp: '\u00a0', amp: '&' };

function htmlDecode(s: string): string {
  return s.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
    if (e.startsWith('#x') || e.startsWith('#X')) return fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return fromCodePoint(Number(e.slice(1)));
    const name = e.toLowerCase();
    return Object.hasOwn(HTML_ENTITIES, name) ? HTML_ENTITIES[name]! : m;
  });
}

/** Spells out text for voice: characters in groups of three or four, else one by one. */
function readChars(s: string): string {
  const cps = [...s.replace(/^\++/, '')];
  const size = cps.length % 3 === 0 ? 3 : cps.length % 4 === 0 ? 4 : 1;
  const groups: string[] = [];
  for (let i = 0; i < cps.length; i += size) groups.push(cps.slice(i, i + size).join(' '));
  return groups.join(' , ');
}

/** Python-style slice bounds: negative counts from the end, out of range is clamped. */
export function sliceBounds(length: number, start: number, end: number): [number, number] {
  const norm = (n: number) => Math.max(0, Math.min(length, n < 0 ? length + n : n));
  return [norm(start), Math.max(norm(start), norm(end))];
}

registerFunctions({
  text: oneText((_s, s) => xText(s)),
  upper: oneText((_s, s) => xText(s.toUpperCase())),
  lower: oneText((_s, s) => xText(s.toLowerCase())),
  title: oneText((_s, s) => xText(titleCase(s))),
  text_length: oneText((_s, s) => xNumber([...s].length)),
  clean: oneText((_s, s) => xText(s.replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}]/gu, ''))),
  html_decode: oneText((_s, s) => xText(htmlDecode(s))),
  url_encode: oneText((_s, s) => xText(encodeURIComponent(wellFormed(s)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))),
  read_chars: oneText((_s, s) => xText(readChars(s))),
  code: oneText((_s, s) => {
    const cp = s.codePointAt(0);
    return cp === undefined ? xError('requires a string of at least one character') : xNumber(cp);
  }),
  char: typed([asInteger], [], (_s, code) => xText(fromCodePoint(code))),
  trim: trimFunction(true, true),
  trim_left: trimFunction(true, false),
  trim_right: trimFunction(false, true),
  split: textAndOptionalText((_s, s, delimiters) => {
    const parts = words(s, delimiters || undefined);
    if (parts.length > MAX_ARRAY_LENGTH) return xError(`cannot build an array with more than ${MAX_ARRAY_LENGTH} items`);
    return new XArray(parts.map((w) => xText(w.text)));
  }),
  word: typed([asText, asInteger], [asText], (_s, s, index, delimiters) => {
    const ws = words(s, delimiters || undefined);
    const w = ws[index < 0 ? ws.length + index : index];
    return w ? xText(w.text) : xError(`index ${index} is out of range for the number of words ${ws.length}`);
  }),
  word_count: textAndOptionalText((_s, s, delimiters) => xNumber(words(s, delimiters || undefined).length)),
  word_slice: typed([asText, asInteger], [asInteger, asText], (_s, s, start, end = -1, delimiters) => {
    if (start < 0) return xError('must start with a positive index');
    if (end > 0 && end <= start) return xError('must have a end which is greater than the start');
    const ws = words(s, delimiters || undefined);
    return xText(ws.slice(start, end < 0 ? ws.length : end).map((w) => w.text).join(' '));
  }),
  remove_first_word: oneText((_s, s) => {
    const ws = words(s);
    return xText(ws.length > 1 ? s.slice(ws[1]!.start) : '');
  }),
  field: typed([asText, asInteger, asText], [], (_s, s, index, delimiter) => {
    if (index < 0) return xError('cannot use a negative index');
    let fields = s.split(delimiter);
    // A space delimiter splits on runs of spaces.
    if (delimiter === ' ') fields = fields.filter((f) => f !== '');
    const f = fields[index];
    return xText(f === undefined ? '' : f.trim());
  }),
  text_slice: typed([asText, asInteger], [asInteger], (_s, s, start, end) => {
    const cps = [...s];
    const [a, b] = sliceBounds(cps.length, start, end ?? cps.length);
    return xText(cps.slice(a, b).join(''));
  }),
  text_compare: twoTexts((_s, x, y) => xNumber(x < y ? -1 : x > y ? 1 : 0)),
  repeat: textAndInteger((_s, s, count) => {
    if (count < 0) return xError(`must be called with a positive integer, got ${count}`);
    const length = [...s].length;
    if (length > 0 && count > MAX_TEXT_OUTPUT / length) return xError(`cannot build a string longer than ${MAX_TEXT_OUTPUT} characters`);
    return xText(s.repeat(count));
  }),
  replace: typed([asText, asText, asText], [asInteger], (_s, s, needle, replacement, count = -1) => {
    // As Go's strings.Replace: left to right, without overlaps; an empty needle matches before every
    // character (a code point, never half of one) and after the last, so there are at most length + 1.
    const parts = needle === '' ? ['', ...s, ''] : s.split(needle);
    const replaced = count < 0 ? parts.length - 1 : Math.min(count, parts.length - 1);
    const length = s.length + replaced * (replacement.length - needle.length);
    if (length > s.length && length > MAX_TEXT_OUTPUT) {
      return xError(`cannot build a string longer than ${MAX_TEXT_OUTPUT} characters`);
    }
    const rest = parts.slice(replaced + 1);
    return xText(parts.slice(0, replaced + 1).join(replacement) + (rest.length ? needle + rest.join(needle) : ''));
  }),
  regex_match: typed([asText, asText], [asInteger], (_s, s, pattern, group = 0) => {
    let re: RegExp;
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      return xError(`invalid regular expression: ${pattern}`);
    }
    const m = re.exec(s);
    if (!m) return xText('');
    if (group < 0 || group >= m.length) return xError('invalid capture group index');
    return xText(m[group] ?? '');
  }),
});

