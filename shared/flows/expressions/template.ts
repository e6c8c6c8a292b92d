// Templates: text with embedded `@path` and `@( expression )` parts; `@@`
// is a literal `@`. A bare `@name` is only an expression when `name` is a
// top-level key of the context, so e-mail addresses stay plain text.
import { evaluateExpression, type Scope } from './evaluate';
import { XError, toText, xText, type XValue } from './values';

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'expression'; source: string; raw: string };

const IDENTIFIER_CHAR = /[\p{L}\p{N}_.]/u;
const IDENTIFIER_START = /[\p{L}_]/u;

/** Splits a template into literal text and expressions (no evaluation). */
export function scanTemplate(template: string, topLevels: ReadonlySet<string>): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let buffer = '';
  let i = 0;
  const flush = () => {
    if (buffer) parts.push({ kind: 'text', text: buffer });
    buffer = '';
  };
  while (i < template.length) {
    const ch = template[i]!;
    if (ch !== '@') {
      buffer += ch;
      i++;
      continue;
    }
    const next = template[i + 1];
    if (next === '@') {
      buffer += '@';
      i += 2;
      continue;
    }
    if (next === '(') {
      const end = findClosingParen(template, i + 1);
      if (end < 0) {
        buffer += template.slice(i);
        break;
      }
      flush();
      parts.push({ kind: 'expression', source: template.slice(i + 2, end), raw: template.slice(i, end + 1) });
      i = end + 1;
      continue;
    }
    if (next !== undefined && IDENTIFIER_START.test(next)) {
      let j = i + 1;
      while (j < template.length && IDENTIFIER_CHAR.test(template[j]!)) j++;
      let path = template.slice(i + 1, j);
      // A trailing dot ends the sentence, it is not part of the path.
      while (path.endsWith('.')) path = path.slice(0, -1);
      const root = path.split('.')[0]!.toLowerCase();
      if (topLevels.has(root)) {
        flush();
        parts.push({ kind: 'expression', source: path, raw: `@${path}` });
        i += 1 + path.length;
        continue;
      }
    }
    buffer += '@';
    i++;
  }
  flush();
  return parts;
}

function findClosingParen(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

export interface TemplateError {
  /** The expression as written, e.g. `@(1 / 0)`. */
  expression: string;
  message: string;
}

export interface TemplateResult {
  text: string;
  errors: TemplateError[];
}

/**
 * Evaluates a template. An expression that fails renders as empty text and
 * its error is returned so the engine can emit an `error` event.
 */
export function evaluateTemplate(template: string, scope: Scope): TemplateResult {
  const topLevels = new Set(scope.context.properties.keys());
  let text = '';
  const errors: TemplateError[] = [];
  for (const part of scanTemplate(template, topLevels)) {
    if (part.kind === 'text') {
      text += part.text;
      continue;
    }
    const value = evaluateExpression(part.source, scope);
    const rendered = value instanceof XError ? value : toText(value);
    if (rendered instanceof XError) errors.push({ expression: part.raw, message: rendered.message });
    else text += rendered;
  }
  return { text, errors };
}

/**
 * Evaluates a template that is a single expression to its value (not text),
 * as router operands need; otherwise evaluates it as text.
 */
export function evaluateTemplateValue(template: string, scope: Scope): { value: XValue; errors: TemplateError[] } {
  const topLevels = new Set(scope.context.properties.keys());
  const parts = scanTemplate(template.trim(), topLevels);
  if (parts.length === 1 && parts[0]!.kind === 'expression') {
    const value = evaluateExpression(parts[0]!.source, scope);
    if (value instanceof XError) return { value, errors: [{ expression: parts[0]!.raw, message: value.message }] };
    return { value, errors: [] };
  }
  const result = evaluateTemplate(template, scope);
  return { value: xText(result.text), errors: result.errors };
}
