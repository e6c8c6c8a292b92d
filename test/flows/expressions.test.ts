import { describe, expect, it } from 'vitest';
import { parseISODateTime } from '#flows/expressions/dates';
import { environmentFromJSON } from '#flows/expressions/environment';
import { evaluateExpression } from '#flows/expressions/evaluate';
import { parseExpression } from '#flows/expressions/parser';
import { evaluateTemplate } from '#flows/expressions/template';
import { XObject, toText, xNumber, xText } from '#flows/expressions/values';

const now = parseISODateTime('2026-11-24T10:00:00.123456Z')!;
const env = environmentFromJSON({ timezone: 'America/Guayaquil', date_format: 'DD-MM-YYYY' }, () => now);
const context = XObject.of({
  contact: XObject.of({ name: xText('Ryan Lewis') }, xText('Ryan Lewis')),
  fields: XObject.of({ age: xNumber(23) }),
});
const scope = () => ({ env, context, warnings: [] as string[] });
const render = (template: string) => evaluateTemplate(template, scope());
const value = (expression: string) => toText(evaluateExpression(expression, scope()));

describe('parser', () => {
  it('gives multiplication precedence over addition and concatenation the lowest arithmetic precedence', () => {
    expect(parseExpression('1 + 2 * 3')).toEqual({
      type: 'binary',
      op: '+',
      left: { type: 'number', value: '1' },
      right: { type: 'binary', op: '*', left: { type: 'number', value: '2' }, right: { type: 'number', value: '3' } },
    });
    expect(value('"a" & 1 + 2')).toBe('a3');
  });

  it('rejects malformed expressions', () => {
    expect(() => parseExpression('1 +')).toThrow(/syntax error/);
    expect(() => parseExpression('"open')).toThrow(/unterminated string/);
  });

  it('parses lambdas, member access and calls on any value', () => {
    expect(value('array(upper)[0]("abc")')).toBe('ABC');
    expect(value('foreach(array(1, 2), (x) => x * 10)')).toBe('[10, 20]');
  });
});

describe('evaluator', () => {
  it('uses decimal arithmetic', () => {
    expect(value('0.1 + 0.2')).toBe('0.3');
    expect(value('10 / 4')).toBe('2.5');
    expect(value('2 ^ 10')).toBe('1024');
  });

  it('returns errors for division by zero and incomparable values', () => {
    expect(evaluateExpression('1 / 0', scope())).toMatchObject({ kind: 'error', message: 'division by zero' });
    expect(evaluateExpression('"a" > "b"', scope())).toMatchObject({ kind: 'error' });
  });

  it('reads context values case-insensitively and negates numbers', () => {
    expect(value('-FIELDS.age')).toBe('-23');
  });
});

describe('templates', () => {
  it('evaluates @paths and @(expressions), keeps @@ as a literal @ and leaves e-mail addresses alone', () => {
    expect(render('Hi @contact.name, write to help@example.com or @@support. @(upper(contact.name))').text).toBe(
      'Hi Ryan Lewis, write to help@example.com or @support. RYAN LEWIS',
    );
  });

  it('does not take a sentence-ending dot into the path', () => {
    expect(render('Thanks @contact.name.').text).toBe('Thanks Ryan Lewis.');
  });

  it('renders failing expressions as empty text and reports them', () => {
    const result = render('a @(1 / 0) b @contact.nope');
    expect(result.text).toBe('a  b ');
    expect(result.errors).toEqual([
      { expression: '@(1 / 0)', message: 'division by zero' },
      { expression: '@contact.nope', message: "object has no property 'nope'" },
    ]);
  });

  it('formats dates in the environment time zone and format', () => {
    expect(render('@(format_date(datetime("2026-11-24T03:00:00Z")))').text).toBe('23-11-2026');
    expect(render('@(now())').text).toBe('2026-11-24T05:00:00.123456-05:00');
  });
});
