// Dates and times: reading them out of free text (as contacts type them),
// and goflow's layout codes (YYYY-MM-DD, tt:mm, h:mm aa …) for formatting
// and parsing.
import { DateTime } from 'luxon';
import type { Environment } from './environment';
import { XDate, XDateTime, XTime } from './values';

// ---------------------------------------------------------------- conversion

export function dateTimeFromParts(date: XDate, time: XTime, zone: string): XDateTime {
  const dt = DateTime.fromObject(
    { year: date.year, month: date.month, day: date.day, hour: time.hour, minute: time.minute, second: time.second, millisecond: Math.floor(time.micro / 1000) },
    { zone },
  );
  return new XDateTime(dt, time.micro % 1000);
}

export function dateOf(v: XDateTime): XDate {
  return new XDate(v.dt.year, v.dt.month, v.dt.day);
}

export function timeOf(v: XDateTime): XTime {
  return new XTime(v.dt.hour, v.dt.minute, v.dt.second, v.dt.millisecond * 1000 + v.micros);
}

export function nowDateTime(env: Environment): XDateTime {
  const now = env.now();
  return new XDateTime(now.dt.setZone(env.timezone), now.micros);
}

/** Reads an RFC 3339 timestamp with up to nanosecond precision. */
export function parseISODateTime(text: string, zone?: string): XDateTime | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim());
  if (!m) return undefined;
  const fraction = (m[7] ?? '').padEnd(9, '0');
  const micro = Number(fraction.slice(0, 6));
  const offset = m[8];
  const zoneName = offset === undefined ? (zone ?? 'UTC') : offset.toUpperCase() === 'Z' ? 'UTC' : `UTC${normalizeOffset(offset)}`;
  const dt = DateTime.fromObject(
    { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +(m[6] ?? 0), millisecond: Math.floor(micro / 1000) },
    { zone: zoneName },
  );
  if (!dt.isValid) return undefined;
  return new XDateTime(dt, micro % 1000);
}

function normalizeOffset(offset: string): string {
  return offset.includes(':') ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`;
}

// ---------------------------------------------------------------- free text

function validDate(year: number, month: number, day: number): XDate | undefined {
  const dt = DateTime.fromObject({ year, month, day });
  return dt.isValid ? new XDate(year, month, day) : undefined;
}

function expandYear(text: string): number {
  const y = Number(text);
  if (text.length > 2) return y;
  // Two-digit years: the closest century, as goflow does.
  return y < 50 ? 2000 + y : 1900 + y;
}

interface FoundDate {
  date: XDate;
  end: number;
}

/** Finds the first date in free text, using the environment's date order. */
export function findDate(text: string, dateFormat: string): FoundDate | undefined {
  const isoLike = /(\d{4})[-./ ](\d{1,2})[-./ ](\d{1,2})(?!\d)/.exec(text);
  if (isoLike) {
    const d = validDate(+isoLike[1]!, +isoLike[2]!, +isoLike[3]!);
    if (d) return { date: d, end: isoLike.index + isoLike[0].length };
  }
  const parts = /(?<!\d)(\d{1,4})[-./ ](\d{1,2})[-./ ](\d{1,4})(?!\d)/.exec(text);
  if (!parts) return undefined;
  const [a, b, c] = [parts[1]!, parts[2]!, parts[3]!];
  const order = dateFormat.toUpperCase().startsWith('YYYY') ? 'ymd' : dateFormat.toUpperCase().startsWith('MM') ? 'mdy' : 'dmy';
  let date: XDate | undefined;
  if (order === 'dmy') date = validDate(expandYear(c), +b, +a);
  else if (order === 'mdy') date = validDate(expandYear(c), +a, +b);
  else date = validDate(expandYear(a), +b, +c);
  return date ? { date, end: parts.index + parts[0].length } : undefined;
}

/** Finds the first time of day in free text (10:30, 10:30:45.5, 10:30 pm). */
export function findTime(text: string): XTime | undefined {
  const m = /(?<!\d)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:\s*([ap]\.?m\.?))?(?!\d)/i.exec(text);
  if (m) {
    let hour = +m[1]!;
    const ampm = m[5]?.toLowerCase()[0];
    if (ampm === 'p' && hour < 12) hour += 12;
    if (ampm === 'a' && hour === 12) hour = 0;
    const minute = +m[2]!;
    const second = +(m[3] ?? 0);
    if (hour > 23 || minute > 59 || second > 59) return undefined;
    return new XTime(hour, minute, second, Number((m[4] ?? '').padEnd(9, '0').slice(0, 6)));
  }
  const short = /(?<!\d)(\d{1,2})\s*([ap])\.?m\.?(?![a-z])/i.exec(text);
  if (short) {
    let hour = +short[1]!;
    if (short[2]!.toLowerCase() === 'p' && hour < 12) hour += 12;
    if (short[2]!.toLowerCase() === 'a' && hour === 12) hour = 0;
    if (hour <= 23) return new XTime(hour, 0, 0, 0);
  }
  return undefined;
}

/** Converts free text to a datetime: ISO first, then a date with optional time. */
export function dateTimeFromText(env: Environment, text: string): XDateTime | undefined {
  const iso = parseISODateTime(text, env.timezone);
  if (iso) return iso;
  const isoDate = /^\s*(\d{4})-(\d{2})-(\d{2})\s*$/.exec(text);
  if (isoDate) {
    const d = validDate(+isoDate[1]!, +isoDate[2]!, +isoDate[3]!);
    return d ? dateTimeFromParts(d, new XTime(0, 0, 0, 0), env.timezone) : undefined;
  }
  const found = findDate(text, env.dateFormat);
  if (!found) return undefined;
  const time = findTime(text.slice(found.end)) ?? new XTime(0, 0, 0, 0);
  return dateTimeFromParts(found.date, time, env.timezone);
}

export function dateFromText(env: Environment, text: string): XDate | undefined {
  const iso = parseISODateTime(text, env.timezone);
  if (iso) return dateOf(new XDateTime(iso.dt.setZone(env.timezone), iso.micros));
  return findDate(text, env.dateFormat)?.date;
}

export function timeFromText(text: string): XTime | undefined {
  const iso = parseISODateTime(text);
  if (iso) return timeOf(iso);
  return findTime(text);
}

// ---------------------------------------------------------------- layouts

const LAYOUT_CODES = ['YYYY', 'YY', 'MMMM', 'MMM', 'MM', 'M', 'DD', 'D', 'EEEE', 'EEE', 'tt', 'hh', 'h', 'mm', 'm', 'ss', 's', 'fffffffff', 'ffffff', 'fff', 'aa', 'AA', 'ZZZ', 'Z'];
const LAYOUT_SEPARATORS = new Set([' ', ':', ',', 'T', '-', '/', '.', '_']);

type LayoutToken = { code: string } | { literal: string };

export function tokenizeLayout(layout: string): LayoutToken[] | undefined {
  const tokens: LayoutToken[] = [];
  let i = 0;
  while (i < layout.length) {
    const code = LAYOUT_CODES.find((c) => layout.startsWith(c, i));
    if (code) {
      tokens.push({ code });
      i += code.length;
    } else if (LAYOUT_SEPARATORS.has(layout[i]!)) {
      tokens.push({ literal: layout[i]! });
      i++;
    } else return undefined;
  }
  return tokens;
}

export function formatWithLayout(v: XDateTime, layout: string): string | undefined {
  const tokens = tokenizeLayout(layout);
  if (!tokens) return undefined;
  const dt = v.dt;
  const micros = dt.millisecond * 1000 + v.micros;
  const hour12 = dt.hour % 12 === 0 ? 12 : dt.hour % 12;
  const p2 = (n: number) => String(n).padStart(2, '0');
  return tokens
    .map((t) => {
      if ('literal' in t) return t.literal;
      switch (t.code) {
        case 'YYYY':
          return String(dt.year).padStart(4, '0');
        case 'YY':
          return p2(dt.year % 100);
        case 'MMMM':
          return dt.setLocale('en').toFormat('LLLL');
        case 'MMM':
          return dt.setLocale('en').toFormat('LLL');
        case 'MM':
          return p2(dt.month);
        case 'M':
          return String(dt.month);
        case 'DD':
          return p2(dt.day);
        case 'D':
          return String(dt.day);
        case 'EEEE':
          return dt.setLocale('en').toFormat('cccc');
        case 'EEE':
          return dt.setLocale('en').toFormat('ccc');
        case 'tt':
          return p2(dt.hour);
        case 'hh':
          return p2(hour12);
        case 'h':
          return String(hour12);
        case 'mm':
          return p2(dt.minute);
        case 'm':
          return String(dt.minute);
        case 'ss':
          return p2(dt.second);
        case 's':
          return String(dt.second);
        case 'fff':
          return String(micros).padStart(6, '0').slice(0, 3);
        case 'ffffff':
          return String(micros).padStart(6, '0');
        case 'fffffffff':
          return String(micros).padStart(6, '0') + '000';
        case 'aa':
          return dt.hour < 12 ? 'am' : 'pm';
        case 'AA':
          return dt.hour < 12 ? 'AM' : 'PM';
        case 'Z':
          return dt.offset === 0 ? 'Z' : dt.toFormat('ZZ');
        case 'ZZZ':
          return dt.toFormat('ZZZ');
        default:
          return '';
      }
    })
    .join('');
}

const PARSE_PATTERNS: Record<string, string> = {
  YYYY: '(?<year>\\d{4})',
  YY: '(?<year2>\\d{2})',
  MMMM: '(?<monthName>[a-zA-Z]+)',
  MMM: '(?<monthName>[a-zA-Z]{3})',
  MM: '(?<month>\\d{2})',
  M: '(?<month>\\d{1,2})',
  DD: '(?<day>\\d{2})',
  D: '(?<day>\\d{1,2})',
  EEEE: '[a-zA-Z]+',
  EEE: '[a-zA-Z]{3}',
  tt: '(?<hour24>\\d{2})',
  hh: '(?<hour12>\\d{2})',
  h: '(?<hour12>\\d{1,2})',
  mm: '(?<minute>\\d{2})',
  m: '(?<minute>\\d{1,2})',
  ss: '(?<second>\\d{2})',
  s: '(?<second>\\d{1,2})',
  fff: '(?<fraction>\\d{3})',
  ffffff: '(?<fraction>\\d{6})',
  fffffffff: '(?<fraction>\\d{9})',
  aa: '(?<ampm>am|pm)',
  AA: '(?<ampm>AM|PM)',
  Z: '(?<offset>Z|[+-]\\d{2}:\\d{2})',
  ZZZ: '(?<offset>[+-]\\d{4})',
};

export interface ParsedLayout {
  date?: XDate;
  time: XTime;
  offset?: string;
}

export function parseWithLayout(text: string, layout: string): ParsedLayout | undefined {
  const tokens = tokenizeLayout(layout);
  if (!tokens) return undefined;
  const source = tokens.map((t) => ('literal' in t ? t.literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&') : PARSE_PATTERNS[t.code])).join('');
  const m = new RegExp(`^${source}$`, 'i').exec(text.trim());
  if (!m?.groups) return undefined;
  const g = m.groups;
  let hour = g.hour24 !== undefined ? +g.hour24 : g.hour12 !== undefined ? +g.hour12 % 12 : 0;
  if (g.ampm?.toLowerCase() === 'pm' && g.hour12 !== undefined) hour += 12;
  const time = new XTime(hour, +(g.minute ?? 0), +(g.second ?? 0), Number((g.fraction ?? '').padEnd(9, '0').slice(0, 6)));
  if (time.hour > 23 || time.minute > 59 || time.second > 59) return undefined;
  let date: XDate | undefined;
  const year = g.year !== undefined ? +g.year : g.year2 !== undefined ? expandYear(g.year2) : undefined;
  if (year !== undefined) {
    let month = g.month !== undefined ? +g.month : 1;
    if (g.monthName) {
      const dt = DateTime.fromFormat(g.monthName.slice(0, 3), 'LLL', { locale: 'en' });
      if (!dt.isValid) return undefined;
      month = dt.month;
    }
    date = validDate(year, month, g.day !== undefined ? +g.day : 1);
    if (!date) return undefined;
  }
  return { date, time, offset: g.offset };
}
