// Text functions: case, trimming, words, slicing, searching.
import { XArray, XError, toInteger, toText, xError, xNumber, xText, type XValue } from '../expressions/values';
import { failed, registerFunctions } from './registry';
import { words } from './words';

const text1 = (fn: (s: string) => XValue) => ({
  min: 1,
  max: 1,
  body: (_s: unknown, [v]: XValue[]) => {
    const s = toText(v ?? null);
    return failed(s) ? s : fn(s);
  },
});

function optionalText(v: XValue | undefined): string | undefined | XError {
  return v === undefined ? undefined : toText(v);
}

function trimChars(s: string, chars: string | undefined, left: boolean, right: boolean): string {
  const isTrimmed = (c: string) => (chars === undefined ? /\s/u.test(c) : chars.includes(c));
  const cps = [...s];
  let a = 0;
  let b = cps.length;
  if (left) while (a < b && isTrimmed(cps[a]!)) a++;
  if (right) while (b > a && isTrimmed(cps[b - 1]!)) b--;
  return cps.slice(a, b).join('');
}

const trimFunction = (left: boolean, right: boolean) => ({
  min: 1,
  max: 2,
  body: (_s: unknown, [v, chars]: XValue[]) => {
    const s = toText(v ?? null);
    if (failed(s)) return s;
    const c = optionalText(chars);
    if (failed(c)) return c;
    return xText(trimChars(s, c, left, right));
  },
});

function titleCase(s: string): string {
  return s.toLowerCase().replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

registerFunctions({
  text: { min: 1, max: 1, body: (_s, [v]) => { const t = toText(v ?? null); return failed(t) ? t : xText(t); } },
  upper: text1((s) => xText(s.toUpperCase())),
  lower: text1((s) => xText(s.toLowerCase())),
  title: text1((s) => xText(titleCase(s))),
  text_length: text1((s) => xNumber([...s].length)),
  clean: text1((s) => xText(s.replace(/[\p{Cc}\p{Cf}]/gu, ''))),
  html_decode: text1((s) =>
    xText(
      s
        .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
        .replace(/&#x([0-9a-f]+);/gi, (_m, n: string) => String.fromCodePoint(parseInt(n, 16)))
        .replace(/&quot;/g, '"')
        .replace(/&#39;|&apos;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&nbsp;/g, '\u00a0')
        .replace(/&amp;/g, '&'),
    ),
  ),
  url_encode: text1((s) => xText(encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))),
  read_chars: text1((s) => xText([...s].join(' '))),
  code: text1((s) => {
    const cp = s.codePointAt(0);
    return cp === undefined ? xError('requires a string of at least one character') : xNumber(cp);
  }),
  char: {
    min: 1,
    max: 1,
    body: (_s, [v]) => {
      const n = toInteger(v ?? null);
      return failed(n) ? n : xText(String.fromCodePoint(n));
    },
  },
  trim: trimFunction(true, true),
  trim_left: trimFunction(true, false),
  trim_right: trimFunction(false, true),
  split: {
    min: 2,
    max: 2,
    body: (_s, [v, d]) => {
      const s = toText(v ?? null);
      const delims = toText(d ?? null);
      if (failed(s)) return s;
      if (failed(delims)) return delims;
      return new XArray(words(s, delims).map((w) => xText(w.text)));
    },
  },
  word: {
    min: 2,
    max: 3,
    body: (_s, [v, i, d]) => {
      const s = toText(v ?? null);
      if (failed(s)) return s;
      const index = toInteger(i ?? null);
      if (failed(index)) return index;
      const delims = optionalText(d);
      if (failed(delims)) return delims;
      const ws = words(s, delims);
      const at = index < 0 ? ws.length + index : index;
      const w = ws[at];
      return w ? xText(w.text) : xError(`index ${index} out of range`);
    },
  },
  word_count: {
    min: 1,
    max: 2,
    body: (_s, [v, d]) => {
      const s = toText(v ?? null);
      if (failed(s)) return s;
      const delims = optionalText(d);
      if (failed(delims)) return delims;
      return xNumber(words(s, delims).length);
    },
  },
  word_slice: {
    min: 2,
    max: 4,
    body: (_s, [v, a, b, d]) => {
      const s = toText(v ?? null);
      if (failed(s)) return s;
      const start = toInteger(a ?? null);
      if (failed(start)) return start;
      const end = b === undefined ? -1 : toInteger(b);
      if (failed(end)) return end;
      const delims = optionalText(d);
      if (failed(delims)) return delims;
      if (start < 0) return xError('must start with a positive index');
      const ws = words(s, delims);
      return xText(ws.slice(start, end < 0 ? ws.length : end).map((w) => w.text).join(' '));
    },
  },
  remove_first_word: text1((s) => {
    const ws = words(s);
    return xText(ws.length > 1 ? s.slice(ws[1]!.start) : '');
  }),
  field: {
    min: 3,
    max: 3,
    body: (_s, [v, i, d]) => {
      const s = toText(v ?? null);
      if (failed(s)) return s;
      const index = toInteger(i ?? null);
      if (failed(index)) return index;
      const delim = toText(d ?? null);
      if (failed(delim)) return delim;
      if (index < 0) return xError('cannot use a negative index');
      let fields = s.split(delim);
      // A space delimiter treats runs of whitespace as one.
      if (delim.trim() === '') fields = fields.filter((f) => f !== '');
      const f = fields[index];
      return f === undefined ? xText('') : xText(f.trim());
    },
  },
  text_slice: {
    min: 2,
    max: 3,
    body: (_s, [v, a, b]) => {
      const s = toText(v ?? null);
      if (failed(s)) return s;
      const cps = [...s];
      const start = toInteger(a ?? null);
      if (failed(start)) return start;
      const end = b === undefined ? cps.length : toInteger(b);
      if (failed(end)) return end;
      const norm = (n: number) => Math.max(0, Math.min(cps.length, n < 0 ? cps.length + n : n));
      return xText(cps.slice(norm(start), norm(end)).join(''));
    },
  },
  text_compare: {
    min: 2,
    max: 2,
    body: (_s, [a, b]) => {
      const x = toText(a ?? null);
      const y = toText(b ?? null);
      if (failed(x)) return x;
      if (failed(y)) return y;
      return xNumber(x < y ? -1 : x > y ? 1 : 0);
    },
  },
  repeat: {
    min: 2,
    max: 2,
    body: (_s, [v, n]) => {
      const s = toText(v ?? null);
      if (failed(s)) return s;
      const count = toInteger(n ?? null);
      if (failed(count)) return count;
      if (count < 0) return xError('must be called with a positive count');
      return xText(s.repeat(count));
    },
  },
  replace: {
    min: 3,
    max: 4,
    body: (_s, [v, n, r, c]) => {
      const s = toText(v ?? null);
      const needle = toText(n ?? null);
      const replacement = toText(r ?? null);
      if (failed(s)) return s;
      if (failed(needle)) return needle;
      if (failed(replacement)) return replacement;
      const count = c === undefined ? -1 : toInteger(c);
      if (failed(count)) return count;
      if (count < 0) return xText(s.split(needle).join(replacement));
      let out = s;
      let from = 0;
      for (let i = 0; i < count; i++) {
        const at = out.indexOf(needle, from);
        if (at < 0) break;
        out = out.slice(0, at) + replacement + out.slice(at + needle.length);
        from = at + replacement.length;
      }
      return xText(out);
    },
  },
  regex_match: {
    min: 2,
    max: 3,
    body: (_s, [v, p, g]) => {
      const s = toText(v ?? null);
      const pattern = toText(p ?? null);
      if (failed(s)) return s;
      if (failed(pattern)) return pattern;
      const group = g === undefined ? 0 : toInteger(g);
      if (failed(group)) return group;
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
    },
  },
});
