// RapidPro writes timestamps as ISO-8601 UTC with six fractional digits
// (`2026-11-24T10:00:00.123000Z`); API clients parse that exact shape and the
// table sorts timestamps as text, so every timestamp Ticketer stores or returns
// goes through here.

export function formatTimestamp(date: Date): string {
  // toISOString gives milliseconds; JavaScript dates carry nothing finer.
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function nowTimestamp(): string {
  return formatTimestamp(new Date());
}
