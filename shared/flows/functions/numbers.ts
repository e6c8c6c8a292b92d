// Number functions, all in decimal arithmetic.
import Decimal from 'decimal.js';
import { XError, toBoolean, toInteger, toNumber, xError, xNumber, xText, type XValue } from '../expressions/values';
import { failed, registerFunctions } from './registry';

function numberArgs(args: XValue[]): Decimal[] | XError {
  const out: Decimal[] = [];
  for (const a of args) {
    const n = toNumber(a);
    if (failed(n)) return n;
    out.push(n);
  }
  return out;
}

const rounding = (mode: Decimal.Rounding) => ({
  min: 1,
  max: 2,
  body: (_s: unknown, [v, p]: XValue[]) => {
    const n = toNumber(v ?? null);
    if (failed(n)) return n;
    const places = p === undefined ? 0 : toInteger(p);
    if (failed(places)) return places;
    return xNumber(n.toDecimalPlaces(places, mode));
  },
});

/** Groups thousands with commas and keeps at most `places` decimals. */
export function formatNumber(n: Decimal, places: number | undefined, humanize: boolean): string {
  const fixed = places === undefined ? n.toFixed() : n.toFixed(places, Decimal.ROUND_HALF_UP);
  if (!humanize) return fixed;
  const [whole = '', fraction] = fixed.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = sign ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${fraction !== undefined ? `.${fraction}` : ''}`;
}

registerFunctions({
  number: { min: 1, max: 1, body: (_s, [v]) => { const n = toNumber(v ?? null); return failed(n) ? n : xNumber(n); } },
  abs: { min: 1, max: 1, body: (_s, [v]) => { const n = toNumber(v ?? null); return failed(n) ? n : xNumber(n.abs()); } },
  round: rounding(Decimal.ROUND_HALF_UP),
  round_up: rounding(Decimal.ROUND_CEIL),
  round_down: rounding(Decimal.ROUND_FLOOR),
  max: {
    min: 1,
    max: Infinity,
    body: (_s, args) => {
      const ns = numberArgs(args);
      return failed(ns) ? ns : xNumber(Decimal.max(...ns));
    },
  },
  min: {
    min: 1,
    max: Infinity,
    body: (_s, args) => {
      const ns = numberArgs(args);
      return failed(ns) ? ns : xNumber(Decimal.min(...ns));
    },
  },
  mean: {
    min: 1,
    max: Infinity,
    body: (_s, args) => {
      const ns = numberArgs(args);
      if (failed(ns)) return ns;
      return xNumber(ns.reduce((a, b) => a.plus(b), new Decimal(0)).div(ns.length));
    },
  },
  mod: {
    min: 2,
    max: 2,
    body: (_s, args) => {
      const ns = numberArgs(args);
      if (failed(ns)) return ns;
      if (ns[1]!.isZero()) return xError('division by zero');
      return xNumber(ns[0]!.mod(ns[1]!));
    },
  },
  rand: { min: 0, max: 0, body: () => xNumber(new Decimal(Math.random()).toDecimalPlaces(16)) },
  rand_between: {
    min: 2,
    max: 2,
    body: (_s, args) => {
      const ns = numberArgs(args);
      if (failed(ns)) return ns;
      const [a, b] = [ns[0]!.toNumber(), ns[1]!.toNumber()];
      return xNumber(Math.floor(a + Math.random() * (b - a + 1)));
    },
  },
  percent: {
    min: 1,
    max: 1,
    body: (_s, [v]) => {
      const n = toNumber(v ?? null);
      return failed(n) ? n : xText(`${formatNumber(n.times(100), 0, true)}%`);
    },
  },
  format_number: {
    min: 1,
    max: 3,
    body: (_s, [v, p, h]) => {
      const n = toNumber(v ?? null);
      if (failed(n)) return n;
      const places = p === undefined ? undefined : toInteger(p);
      if (failed(places)) return places;
      if (places !== undefined && (places < 0 || places > 9)) return xError('must take 0-9 number of places');
      const humanize = h === undefined ? true : toBoolean(h);
      if (failed(humanize)) return humanize;
      return xText(formatNumber(n, places, humanize));
    },
  },
});
