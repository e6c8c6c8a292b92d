// No exception escapes the expression engine: every registered function,
// with any arguments, and any expression or template gives a value or an
// error value — goflow's behaviour — never a thrown exception.
import fc from 'fast-check';
import Decimal from 'decimal.js';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { SessionAssets } from '#flows/assets';
import { Contact } from '#flows/contact';
import { contactContext } from '#flows/context';
import { parseISODateTime } from '#flows/expressions/dates';
import { environmentFromJSON } from '#flows/expressions/environment';
import { INTERNAL_ERROR, evaluateExpression, type Scope } from '#flows/expressions/evaluate';
import { evaluateTemplate, evaluateTemplateValue } from '#flows/expressions/template';
import { TriggerReadError, readTrigger } from '#flows/triggers';
import { validateURN } from '#flows/urns';
import {
  XArray,
  XBoolean,
  XDate,
  XDateTime,
  XError,
  XFunction,
  XNumber,
  XObject,
  XText,
  XTime,
  toBoolean,
  toJSONText,
  toText,
  type XValue,
} from '#flows/expressions/values';
import { FUNCTIONS } from '#flows/functions/index';
import { ARITIES } from '#flows/functions/registry';
import { RWANDA } from './support/locations';
import { inMemoryServices } from './support/in-memory-services';
import { FlowEngine } from '#flows/engine';
import type { FlowJSON } from '#flows/definition/types';
import { ROUTER_TEST_TYPES } from '#flows/routers/tests';

const RUNS = 200;

function scope(): Scope {
  const now = parseISODateTime('2018-04-11T13:24:30.123456-05:00')!;
  const assets = new SessionAssets({ locations: [RWANDA], fields: [{ key: 'age', name: 'Age', type: 'number' }] } as never);
  const env = { ...environmentFromJSON({ timezone: 'America/Guayaquil', default_country: 'RW' }, () => now), locations: assets.locations };
  const contact = contactContext(
    new Contact({ uuid: '5d76d86b-3bb9-4d5a-b822-c9d86f5d8e4f', name: 'Ryan Lewis', language: 'eng', urns: ['tel:+12065551212'], fields: { age: { text: '23', number: 23 } } } as never),
    assets,
  );
  const context = XObject.of({ contact, fields: contact.get('fields') ?? null, results: XObject.of({ favorite: XObject.of({ value: xt('red'), category: xt('Red') }, xt('red')) }) });
  return { env, context, warnings: [] };
}
const xt = (s: string) => new XText(s);

// ------------------------------------------------------------ arbitrary values

/** Text of every kind: lone surrogates, control characters, prototype names, and text that looks like numbers, dates, URNs, layouts, patterns. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', '\ud800', '\udfff', 'a\ud800b', '12', '-0.5', '1e400', '٤٢', '2017-01-15', '15/01/2017 10:30', '2017-01-15T10:30:00Z', '10 PM',
    'tel:+250781234567', 'mailto:a@b.com', 'not a urn', 'image/jpeg:http://x/y.jpg', 'YYYY-MM-DD tt:mm', 'h:mm aa', 'D', 'Y', '(\\w+)', '[', '(?<', '*', 'UTC', 'Mars/Olympus', 'Rwanda > Kigali', '{"a": [1, 2]}', '&#99999999;', '&#x110000;',
    // Names every plain object answers to: a lookup table keyed by user text must not find them.
    'valueOf', 'constructor', '__proto__', 'toString', 'hasOwnProperty'),
);

const anyNumber = fc.oneof(
  fc.integer().map((n) => new Decimal(n)),
  fc.integer({ min: -100, max: 0x110000 + 100 }).map((n) => new Decimal(n)),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => new Decimal(n)),
  fc.constantFrom('0', '-1', '2147483648', '-2147483649', '1e100', '1e-100', '9.999e99', '123456789012345678901234567890123456789', '0.0000001', '1e308').map((s) => new Decimal(s)),
);

const anyDateTime = fc
  .tuple(fc.integer({ min: -62135596800000, max: 253402300799000 }), fc.constantFrom('UTC', 'America/Guayaquil', 'Asia/Kolkata', 'UTC+14:00'), fc.integer({ min: 0, max: 999 }))
  .map(([ms, zone, micros]) => new XDateTime(DateTime.fromMillis(ms, { zone }), micros));

const scalar: fc.Arbitrary<XValue> = fc.oneof(
  fc.constant(null),
  { arbitrary: anyText.map((s) => new XText(s)), weight: 4 },
  { arbitrary: anyNumber.map((n) => new XNumber(n)), weight: 4 },
  fc.boolean().map((b) => new XBoolean(b)),
  fc.tuple(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 })).map(([y, m, d]) => new XDate(y, m, d)),
  anyDateTime,
  fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 999999 })).map(([h, m, s, u]) => new XTime(h, m, s, u)),
  anyText.map((m) => new XError(m)),
  fc.constantFrom(...FUNCTIONS.values()),
  fc.constant(new XFunction('lambda', (_s, args) => args[0] ?? null)),
);

const anyValue: fc.Arbitrary<XValue> = fc.letrec<{ value: XValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }).map((items) => new XArray(items)),
    fc
      .tuple(fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 4 }), fc.option(tie('value'), { nil: undefined }))
      .map(([props, def]) => new XObject(new Map(Object.entries(props)), def)),
  ),
})).value;

/** A value that any caller can use without throwing: render it every way the engine does. */
function expectUsable(v: XValue): void {
  expect(v === null || typeof (v as { kind?: unknown }).kind === 'string').toBe(true);
  toText(v);
  toJSONText(v);
  toBoolean(v);
}

describe('every registered function, any arguments', () => {
  const names = [...FUNCTIONS.keys()].sort();

  it('registers every function and router test goflow documents', () => {
    expect(names.length).toBeGreaterThanOrEqual(120);
  });

  it.each(names)('%s never throws', (name) => {
    const fn = FUNCTIONS.get(name)!;
    const { min, max } = ARITIES.get(name)!;
    // Mostly the number of arguments the function takes (so the body runs), sometimes any number.
    const args = fc.oneof(
      { arbitrary: fc.integer({ min, max: Math.min(max, min + 2) }).chain((n) => fc.array(scalar, { minLength: n, maxLength: n })), weight: 3 },
      { arbitrary: fc.integer({ min, max: Math.min(max, min + 2) }).chain((n) => fc.array(anyValue, { minLength: n, maxLength: n })), weight: 1 },
      { arbitrary: fc.array(anyValue, { maxLength: 5 }), weight: 1 },
    );
    fc.assert(
      fc.property(args, (values) => {
        expectUsable(fn.call(scope(), values));
      }),
      { numRuns: RUNS },
    );
  });
});

// ------------------------------------------------------------ arbitrary expressions

const names = [...FUNCTIONS.keys()];
const literal = fc.oneof(
  fc.integer().map(String),
  fc.constantFrom('0', '1.5', '-3', '1e5', '99999999999999999999999999999999999999999', '.5'),
  anyText.map((s) => JSON.stringify(s.replace(/[\ud800-\udfff]/g, '?'))),
  fc.constantFrom('true', 'false', 'null', 'contact', 'contact.name', 'fields.age', 'contact.urns[0]', 'results.favorite', 'nope', 'contact.nope.deeper', 'upper'),
);

const expression: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    literal,
    fc.tuple(fc.constantFrom(...names), fc.array(tie('expr'), { maxLength: 4 })).map(([f, args]) => `${f}(${args.join(', ')})`),
    fc.tuple(tie('expr'), fc.constantFrom('+', '-', '*', '/', '^', '&', '=', '!=', '<', '<=', '>', '>='), tie('expr')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('expr').map((e) => `-${e}`),
    fc.tuple(tie('expr'), tie('expr')).map(([a, i]) => `${a}[${i}]`),
    fc.tuple(tie('expr'), fc.constantFrom('name', 'match', 'extra', '0', 'uuid')).map(([a, k]) => `${a}.${k}`),
    tie('expr').map((body) => `(x) => ${body}`),
    fc.tuple(tie('expr'), tie('expr')).map(([a, body]) => `foreach(array(${a}), (x) => ${body})`),
  ),
})).expr;

/** Must never throw, and must not hide a bug behind the engine's last-resort error. */
function expectValue(v: XValue): void {
  expectUsable(v);
  if (v instanceof XError) expect(v.message).not.toContain(INTERNAL_ERROR);
}

describe('lookup tables keyed by text from a flow', () => {
  // A plain object answers to Object.prototype's names: each table must find only its own entries.
  const PROTOTYPE_NAMES = ['constructor', 'valueOf', 'toString', '__proto__', 'hasOwnProperty'];

  it('never take a prototype member for an entry', () => {
    for (const name of PROTOTYPE_NAMES) {
      expect(evaluateExpression(`prompt("${name}")`, scope())).toBeInstanceOf(XError);
      expect(evaluateExpression(`datetime_add("2020-01-01T00:00:00Z", 1, "${name}")`, scope())).toBeInstanceOf(XError);
      expect(toText(evaluateExpression(`html_decode("&${name};")`, scope()))).toBe(`&${name};`);
      expect(() => validateURN(`${name}:abc`)).not.toThrow();
      expect(() => readTrigger({ type: name, flow: {} })).toThrow(TriggerReadError);
    }
    // A lowercase scheme without a rule of its own only needs a path.
    expect(validateURN('constructor:abc')).toBe(true);
  });
});

describe('replace with an empty needle', () => {
  // Found by the property above: a count beyond the text's length kept appending the replacement (an
  // empty needle matched at the end again and again) until the string outgrew memory.
  it('matches before each character and after the last, as Go does, however large the count', () => {
    const text = (expression: string) => toText(evaluateExpression(expression, scope()));
    expect(text('replace("abc", "", "-")')).toBe('-a-b-c-');
    expect(text('replace("abc", "", "-", 1)')).toBe('-abc');
    expect(text('replace("abc", "", "-", 35791393)')).toBe('-a-b-c-');
    expect(text('replace("💬x", "", "-")')).toBe('-💬-x-');
    expect(text('replace("a.b.c", ".", "", 1)')).toBe('ab.c');
    expect(evaluateExpression(`replace("${'a'.repeat(200)}", "", "${'b'.repeat(100)}")`, scope())).toBeInstanceOf(XError);
  });
});

describe('any expression or template', () => {
  it('evaluates generated expressions to a value or an error value', () => {
    fc.assert(
      fc.property(expression, (source) => {
        expectValue(evaluateExpression(source, scope()));
      }),
      { numRuns: 2000 },
    );
  });

  it('evaluates arbitrary text as a template (stray @, parentheses, quotes, lone surrogates)', () => {
    const templateChars = fc.string({ unit: fc.constantFrom('@', '(', ')', '"', '\\', '.', ',', ' ', 'a', '1', 'contact', 'upper', '[', ']', '=>', '&', '\ud800', '@@'), maxLength: 40 });
    fc.assert(
      fc.property(fc.oneof(templateChars, fc.string({ unit: 'binary', maxLength: 60 }), expression.map((e) => `Hi @(${e}) and @contact.name`)), (template) => {
        const result = evaluateTemplate(template, scope());
        expect(typeof result.text).toBe('string');
        for (const e of result.errors) expect(e.message).not.toContain(INTERNAL_ERROR);
        expectValue(evaluateTemplateValue(template, scope()).value);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses an absurdly nested expression as too complex instead of overflowing the stack', () => {
    const deep = `${'('.repeat(20_000)}1${')'.repeat(20_000)}`;
    const result = evaluateExpression(deep, scope());
    expect(result).toBeInstanceOf(XError);
    const calls = `${'upper('.repeat(20_000)}"a"${')'.repeat(20_000)}`;
    expect(evaluateExpression(calls, scope())).toBeInstanceOf(XError);
  });
});

// ------------------------------------------------------------ through the engine

describe('a valid flow with any template or router case', () => {
  const FLOW = 'c4000000-0000-4000-8000-000000000001';
  const flowWith = (text: string, caseType: string, args: string[]) => ({
    uuid: FLOW,
    name: 'Anything',
    spec_version: '14.4.2',
    language: 'eng',
    type: 'messaging',
    nodes: [
      {
        uuid: 'c4000000-0000-4000-8000-0000000000a1',
        actions: [{ uuid: 'c4000000-0000-4000-8000-0000000000b1', type: 'send_msg', text: `Hi ${text}` }],
        router: {
          type: 'switch',
          operand: text || '@input',
          result_name: 'Answer',
          cases: [{ uuid: 'c4000000-0000-4000-8000-0000000000f1', type: caseType, arguments: args, category_uuid: 'c4000000-0000-4000-8000-0000000000d1' }],
          categories: [
            { uuid: 'c4000000-0000-4000-8000-0000000000d1', name: 'Matched', exit_uuid: 'c4000000-0000-4000-8000-0000000000c1' },
            { uuid: 'c4000000-0000-4000-8000-0000000000d2', name: 'Other', exit_uuid: 'c4000000-0000-4000-8000-0000000000c2' },
          ],
          default_category_uuid: 'c4000000-0000-4000-8000-0000000000d2',
        },
        exits: [{ uuid: 'c4000000-0000-4000-8000-0000000000c1' }, { uuid: 'c4000000-0000-4000-8000-0000000000c2' }],
      },
    ],
  });
  const template = fc.oneof(expression.map((e) => `@(${e})`), fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('@contact', '@input', '@results', '@run', '@ticket.topic'));

  it('completes the sprint with a message and a result, whatever the template and the test', async () => {
    await fc.assert(
      fc.asyncProperty(template, fc.constantFrom(...ROUTER_TEST_TYPES), fc.array(template, { maxLength: 3 }), async (text, caseType, args) => {
        const engine = new FlowEngine(inMemoryServices());
        const sprint = await engine.start({
          assets: new SessionAssets({ flows: [flowWith(text, caseType, args) as unknown as FlowJSON] }),
          contact: { uuid: 'c4000000-0000-4000-8000-0000000000e1', name: 'Ann', language: 'eng', status: 'active', urns: ['tel:+12065551212'], created_on: '2026-01-01T00:00:00.000000Z' } as never,
          trigger: { type: 'manual', flow: { uuid: FLOW, name: 'Anything' }, triggered_on: '2026-01-01T00:00:00.000000Z' },
        });
        expect(sprint.session.status).toBe('completed');
        expect(sprint.events.some((e) => e.type === 'msg_created')).toBe(true);
        expect(sprint.session.runs[0]!.results?.answer).toBeDefined();
        for (const e of sprint.events) if (e.type === 'error') expect(String(e.text)).not.toContain(INTERNAL_ERROR);
      }),
      { numRuns: 150 },
    );
  });
});
