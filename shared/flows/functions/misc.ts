// Logic, errors and defaults, JSON, URNs, attachments and generic formatting.
import {
  XDate,
  XDateTime,
  XError,
  XNumber,
  XObject,
  XTime,
  fromJSON,
  isEmpty,
  toBoolean,
  toJSONText,
  toText,
  unwrapDefault,
  xBool,
  xError,
  xText,
  type XValue,
} from '../expressions/values';
import { formatURN, parseURN } from '../urns';
import { FUNCTIONS, failed, registerFunctions } from './registry';
import { formatNumber } from './numbers';

const PROMPTS: Record<string, (args: string[]) => string> = {
  categorize: ([categories]) => `Categorize the following text into one of the following: ${categories ?? '[]'}`,
};

registerFunctions({
  boolean: {
    min: 1,
    max: 1,
    body: (_s, [v]) => {
      const b = toBoolean(v ?? null);
      return failed(b) ? b : xBool(b);
    },
  },
  and: {
    min: 1,
    max: Infinity,
    body: (_s, args) => {
      for (const a of args) {
        const b = toBoolean(a);
        if (failed(b)) return b;
        if (!b) return xBool(false);
      }
      return xBool(true);
    },
  },
  or: {
    min: 1,
    max: Infinity,
    body: (_s, args) => {
      for (const a of args) {
        const b = toBoolean(a);
        if (failed(b)) return b;
        if (b) return xBool(true);
      }
      return xBool(false);
    },
  },
  if: {
    min: 3,
    max: 3,
    acceptsErrors: true,
    body: (_s, [test, a, b]) => {
      const t = toBoolean(test ?? null);
      if (failed(t)) return t;
      return (t ? a : b) ?? null;
    },
  },
  is_error: { min: 1, max: 1, acceptsErrors: true, body: (_s, [v]) => xBool(v instanceof XError) },
  default: {
    min: 2,
    max: 2,
    acceptsErrors: true,
    body: (_s, [v, d]) => (v instanceof XError || isEmpty(v ?? null) ? (d ?? null) : (v ?? null)),
  },
  json: {
    min: 1,
    max: 1,
    body: (_s, [v]) => {
      const t = toJSONText(v ?? null);
      return failed(t) ? t : xText(t);
    },
  },
  parse_json: {
    min: 1,
    max: 1,
    body: (_s, [v]) => {
      const t = toText(v ?? null);
      if (failed(t)) return t;
      try {
        return fromJSON(JSON.parse(t));
      } catch {
        return xError('unable to parse JSON');
      }
    },
  },
  urn_parts: {
    min: 1,
    max: 1,
    body: (_s, [v]) => {
      const t = toText(v ?? null);
      if (failed(t)) return t;
      const urn = parseURN(t);
      if (!urn) return xError(`${t} is not a valid URN`);
      return XObject.of({ scheme: xText(urn.scheme), path: xText(urn.path), display: xText(urn.display) });
    },
  },
  format_urn: {
    min: 1,
    max: 1,
    body: (_s, [v]) => {
      const t = toText(v ?? null);
      if (failed(t)) return t;
      const urn = parseURN(t);
      if (!urn) return xError(`${t} is not a valid URN`);
      return xText(formatURN(urn));
    },
  },
  attachment_parts: {
    min: 1,
    max: 1,
    body: (_s, [v]) => {
      const t = toText(v ?? null);
      if (failed(t)) return t;
      const colon = t.indexOf(':');
      if (colon < 0) return xError(`${t} is not a valid attachment`);
      return XObject.of({ content_type: xText(t.slice(0, colon)), url: xText(t.slice(colon + 1)) });
    },
  },
  format_location: {
    min: 1,
    max: 1,
    body: (_s, [v]) => {
      const t = toText(v ?? null);
      if (failed(t)) return t;
      return xText(t.split('>').pop()!.trim());
    },
  },
  format: {
    min: 1,
    max: 1,
    body: (scope, [v]) => {
      const value = unwrapDefault(v ?? null);
      if (value instanceof XNumber) return xText(formatNumber(value.value, undefined, true));
      if (value instanceof XDateTime) return FUNCTIONS.get('format_datetime')!.call(scope, [value]);
      if (value instanceof XDate) return FUNCTIONS.get('format_date')!.call(scope, [value]);
      if (value instanceof XTime) return FUNCTIONS.get('format_time')!.call(scope, [value]);
      const t = toText(value);
      return failed(t) ? t : xText(t);
    },
  },
  prompt: {
    min: 1,
    max: Infinity,
    body: (_s, [name, ...args]) => {
      const key = toText(name ?? null);
      if (failed(key)) return key;
      const template = PROMPTS[key];
      if (!template) return xError(`no prompt named '${key}'`);
      const texts: string[] = [];
      for (const a of args) {
        const t = toText(a);
        if (failed(t)) return t;
        texts.push(t);
      }
      return xText(template(texts));
    },
  },
});

