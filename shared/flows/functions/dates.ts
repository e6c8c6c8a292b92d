// Date, datetime and time functions. Datetimes are shown in the
// environment's time zone; layouts use goflow's codes (see expressions/dates).
import Decimal from 'decimal.js';
import { DateTime } from 'luxon';
import {
  dateOf,
  dateTimeFromParts,
  formatWithLayout,
  nowDateTime,
  parseWithLayout,
} from '../expressions/dates';
import { XDate, XDateTime, XTime, toInteger, toText, xError, xNumber, xText, type XValue } from '../expressions/values';
import { argDate, argDateTime, argTime } from './convert';
import { failed, registerFunctions } from './registry';
import type { Scope } from '../expressions/evaluate';

function inZone(v: XDateTime, zone: string): XDateTime {
  return new XDateTime(v.dt.setZone(zone), v.micros);
}

function layoutArg(v: XValue | undefined, fallback: string): string | ReturnType<typeof xError> {
  if (v === undefined) return fallback;
  return toText(v);
}

const UNITS: Record<string, keyof import('luxon').DurationLikeObject> = {
  Y: 'years',
  M: 'months',
  W: 'weeks',
  D: 'days',
  h: 'hours',
  m: 'minutes',
  s: 'seconds',
};

function formatDateTimeArg(scope: Scope, v: XValue, layout: string, zone: string): XValue {
  const dt = argDateTime(scope.env, v);
  if (failed(dt)) return dt;
  const out = formatWithLayout(inZone(dt, zone), layout);
  return out === undefined ? xError(`invalid date format: ${layout}`) : xText(out);
}

registerFunctions({
  date: {
    min: 1,
    max: 1,
    body: (scope, [v]) => argDate(scope.env, v ?? null),
  },
  datetime: {
    min: 1,
    max: 1,
    body: (scope, [v]) => argDateTime(scope.env, v ?? null),
  },
  time: {
    min: 1,
    max: 1,
    body: (_scope, [v]) => argTime(v ?? null),
  },
  now: { min: 0, max: 0, body: (scope) => nowDateTime(scope.env) },
  today: { min: 0, max: 0, body: (scope) => dateOf(nowDateTime(scope.env)) },
  tz: {
    min: 1,
    max: 1,
    body: (scope, [v]) => {
      const dt = argDateTime(scope.env, v ?? null);
      return failed(dt) ? dt : xText(dt.dt.zoneName ?? 'UTC');
    },
  },
  tz_offset: {
    min: 1,
    max: 1,
    body: (scope, [v]) => {
      const dt = argDateTime(scope.env, v ?? null);
      return failed(dt) ? dt : xText(dt.dt.toFormat('ZZZ'));
    },
  },
  parse_datetime: {
    min: 2,
    max: 3,
    body: (scope, [v, f, z]) => {
      const text = toText(v ?? null);
      const layout = toText(f ?? null);
      if (failed(text)) return text;
      if (failed(layout)) return layout;
      const zone = z === undefined ? scope.env.timezone : toText(z);
      if (failed(zone)) return zone;
      const parsed = parseWithLayout(text, layout);
      if (!parsed?.date) return xError(`unable to parse "${text}" as a datetime with layout ${layout}`);
      const zoneName = parsed.offset ? (parsed.offset === 'Z' ? 'UTC' : `UTC${parsed.offset}`) : zone;
      return dateTimeFromParts(parsed.date, parsed.time, zoneName);
    },
  },
  parse_time: {
    min: 2,
    max: 2,
    body: (_scope, [v, f]) => {
      const text = toText(v ?? null);
      const layout = toText(f ?? null);
      if (failed(text)) return text;
      if (failed(layout)) return layout;
      const parsed = parseWithLayout(text, layout);
      return parsed ? parsed.time : xError(`unable to parse "${text}" as a time with layout ${layout}`);
    },
  },
  datetime_diff: {
    min: 3,
    max: 3,
    body: (scope, [a, b, u]) => {
      const from = argDateTime(scope.env, a ?? null);
      if (failed(from)) return from;
      const to = argDateTime(scope.env, b ?? null);
      if (failed(to)) return to;
      const unit = toText(u ?? null);
      if (failed(unit)) return unit;
      const x = from.dt;
      const y = to.dt.setZone(x.zone);
      switch (unit) {
        case 'Y':
          return xNumber(y.year - x.year);
        case 'M':
          return xNumber((y.year - x.year) * 12 + y.month - x.month);
        case 'W':
        case 'D':
        case 'h':
        case 'm':
        case 's': {
          const unitName = UNITS[unit]!;
          return xNumber(Math.trunc(y.diff(x, unitName).as(unitName)));
        }
        default:
          return xError(`unknown unit: ${unit}, must be one of s, m, h, D, W, M, Y`);
      }
    },
  },
  datetime_add: {
    min: 3,
    max: 3,
    body: (scope, [v, n, u]) => {
      const dt = argDateTime(scope.env, v ?? null);
      if (failed(dt)) return dt;
      const amount = toInteger(n ?? null);
      if (failed(amount)) return amount;
      const unit = toText(u ?? null);
      if (failed(unit)) return unit;
      const unitName = UNITS[unit];
      if (!unitName) return xError(`unknown unit: ${unit}, must be one of s, m, h, D, W, M, Y`);
      return new XDateTime(dt.dt.plus({ [unitName]: amount }), dt.micros);
    },
  },
  replace_time: {
    min: 2,
    max: 2,
    body: (scope, [v, t]) => {
      const dt = argDateTime(scope.env, v ?? null);
      if (failed(dt)) return dt;
      const time = argTime(t ?? null);
      if (failed(time)) return time;
      return dateTimeFromParts(dateOf(dt), time, dt.dt.zoneName ?? scope.env.timezone);
    },
  },
  epoch: {
    min: 1,
    max: 1,
    body: (scope, [v]) => {
      const dt = argDateTime(scope.env, v ?? null);
      if (failed(dt)) return dt;
      const micros = new Decimal(dt.dt.toMillis()).times(1000).plus(dt.micros);
      return xNumber(micros.div(1_000_000));
    },
  },
  date_from_parts: {
    min: 3,
    max: 3,
    body: (_scope, [y, m, d]) => {
      const year = toInteger(y ?? null);
      const month = toInteger(m ?? null);
      const day = toInteger(d ?? null);
      if (failed(year)) return year;
      if (failed(month)) return month;
      if (failed(day)) return day;
      if (month < 1 || month > 12) return xError(`invalid value for month, must be 1-12`);
      // Days past the month's end roll over, as in goflow.
      const dt = DateTime.fromObject({ year, month, day: 1 }, { zone: 'UTC' }).plus({ days: day - 1 });
      return new XDate(dt.year, dt.month, dt.day);
    },
  },
  time_from_parts: {
    min: 3,
    max: 3,
    body: (_scope, [h, m, s]) => {
      const hour = toInteger(h ?? null);
      const minute = toInteger(m ?? null);
      const second = toInteger(s ?? null);
      if (failed(hour)) return hour;
      if (failed(minute)) return minute;
      if (failed(second)) return second;
      if (hour < 0 || hour > 23) return xError('invalid value for hour, must be 0-23');
      if (minute < 0 || minute > 59) return xError('invalid value for minute, must be 0-59');
      if (second < 0 || second > 59) return xError('invalid value for second, must be 0-59');
      return new XTime(hour, minute, second, 0);
    },
  },
  weekday: {
    min: 1,
    max: 1,
    body: (scope, [v]) => {
      const d = argDate(scope.env, v ?? null);
      if (failed(d)) return d;
      return xNumber(DateTime.fromObject({ year: d.year, month: d.month, day: d.day }).weekday % 7);
    },
  },
  week_number: {
    min: 1,
    max: 1,
    body: (scope, [v]) => {
      const d = argDate(scope.env, v ?? null);
      if (failed(d)) return d;
      const date = DateTime.fromObject({ year: d.year, month: d.month, day: d.day }, { zone: 'UTC' });
      const jan1Weekday = date.startOf('year').weekday % 7;
      return xNumber(Math.floor((date.ordinal - 1 + jan1Weekday) / 7) + 1);
    },
  },
  format_date: {
    min: 1,
    max: 2,
    body: (scope, [v, f]) => {
      const layout = layoutArg(f, scope.env.dateFormat);
      if (failed(layout)) return layout;
      const d = argDate(scope.env, v ?? null);
      if (failed(d)) return d;
      const out = formatWithLayout(dateTimeFromParts(d, new XTime(0, 0, 0, 0), 'UTC'), layout);
      return out === undefined ? xError(`invalid date format: ${layout}`) : xText(out);
    },
  },
  format_datetime: {
    min: 1,
    max: 3,
    body: (scope, [v, f, z]) => {
      const layout = layoutArg(f, `${scope.env.dateFormat} ${scope.env.timeFormat}`);
      if (failed(layout)) return layout;
      const zone = z === undefined ? scope.env.timezone : toText(z);
      if (failed(zone)) return zone;
      return formatDateTimeArg(scope, v ?? null, layout, zone);
    },
  },
  format_time: {
    min: 1,
    max: 2,
    body: (scope, [v, f]) => {
      const layout = layoutArg(f, scope.env.timeFormat);
      if (failed(layout)) return layout;
      const t = argTime(v ?? null);
      if (failed(t)) return t;
      const out = formatWithLayout(dateTimeFromParts(new XDate(2000, 1, 1), t, 'UTC'), layout);
      return out === undefined ? xError(`invalid time format: ${layout}`) : xText(out);
    },
  },
});

