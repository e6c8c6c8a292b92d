// Tokenizer and recursive-descent parser for the expression language (the
// part inside `@( … )`). Precedence, loosest first: equality (= !=),
// comparison (< <= > >=), concatenation (&), addition (+ -),
// multiplication (* /), exponent (^), negation (-), then postfix
// member access (.name, [index]) and calls.

export type Expr =
  | { type: 'text'; value: string }
  | { type: 'number'; value: string }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' }
  | { type: 'name'; name: string }
  | { type: 'dot'; target: Expr; key: string }
  | { type: 'index'; target: Expr; index: Expr }
  | { type: 'call'; fn: Expr; args: Expr[] }
  | { type: 'lambda'; params: string[]; body: Expr }
  | { type: 'negate'; operand: Expr }
  | { type: 'binary'; op: BinaryOp; left: Expr; right: Expr };

export type BinaryOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | '&' | '+' | '-' | '*' | '/' | '^';

type Token =
  | { kind: 'number'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'name'; text: string }
  | { kind: 'op'; text: string }
  | { kind: 'end'; text: '' };

export class ExpressionSyntaxError extends Error {}

const NAME_START = /[\p{L}_]/u;
const NAME_PART = /[\p{L}\p{N}_]/u;
const OPERATORS = ['=>', '<=', '>=', '!=', '<>', '=', '<', '>', '&', '+', '-', '*', '/', '^', '(', ')', '[', ']', ',', '.'];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const valueEnded = () => {
    const last = tokens[tokens.length - 1];
    return last !== undefined && (last.kind === 'name' || last.kind === 'number' || last.kind === 'string' || last.text === ')' || last.text === ']');
  };
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(source[i + 1] ?? '') && !valueEnded())) {
      // After a dot access (`results.1`) digits are a key, not a decimal part.
      const prev = tokens[tokens.length - 1];
      const pattern = prev?.text === '.' && prev.kind === 'op' ? /^[0-9]+/ : /^([0-9]+(\.[0-9]+)?|\.[0-9]+)/;
      const m = pattern.exec(source.slice(i))!;
      tokens.push({ kind: 'number', text: m[0] });
      i += m[0].length;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= source.length) throw new ExpressionSyntaxError('unterminated string literal');
        const c = source[j]!;
        if (c === '\\' && j + 1 < source.length) {
          const next = source[j + 1]!;
          if (next === '"') text += '"';
          else if (next === '\\') text += '\\';
          else if (next === 'n') text += '\n';
          else if (next === 't') text += '\t';
          else if (next === 'r') text += '\r';
          else text += c + next;
          j += 2;
          continue;
        }
        if (c === '"') break;
        text += c;
        j++;
      }
      tokens.push({ kind: 'string', text });
      i = j + 1;
      continue;
    }
    if (NAME_START.test(ch)) {
      let j = i + 1;
      while (j < source.length && NAME_PART.test(source[j]!)) j++;
      tokens.push({ kind: 'name', text: source.slice(i, j) });
      i = j;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) throw new ExpressionSyntaxError(`syntax error at ${source.slice(i)}`);
    tokens.push({ kind: 'op', text: op === '<>' ? '!=' : op });
    i += op.length;
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

export function parseExpression(source: string): Expr {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = (offset = 0): Token => tokens[Math.min(pos + offset, tokens.length - 1)]!;
  const next = (): Token => tokens[pos++] ?? { kind: 'end', text: '' };
  const isOp = (t: Token, text: string) => t.kind === 'op' && t.text === text;
  const expect = (text: string) => {
    const t = next();
    if (!isOp(t, text)) throw new ExpressionSyntaxError(`syntax error, expected '${text}' at '${t.text || 'end'}'`);
  };

  const levels: BinaryOp[][] = [['=', '!='], ['<', '<=', '>', '>='], ['&'], ['+', '-'], ['*', '/']];

  function binary(level: number): Expr {
    if (level === levels.length) return exponent();
    let left = binary(level + 1);
    for (;;) {
      const t = peek();
      if (t.kind === 'op' && (levels[level] as string[]).includes(t.text)) {
        next();
        const right = binary(level + 1);
        left = { type: 'binary', op: t.text as BinaryOp, left, right };
      } else return left;
    }
  }

  function exponent(): Expr {
    let left = unary();
    while (isOp(peek(), '^')) {
      next();
      left = { type: 'binary', op: '^', left, right: unary() };
    }
    return left;
  }

  function unary(): Expr {
    if (isOp(peek(), '-')) {
      next();
      return { type: 'negate', operand: unary() };
    }
    return postfix(primary());
  }

  function postfix(expr: Expr): Expr {
    for (;;) {
      const t = peek();
      if (isOp(t, '.')) {
        next();
        const key = next();
        if (key.kind !== 'name' && key.kind !== 'number') throw new ExpressionSyntaxError(`syntax error at '.${key.text}'`);
        expr = { type: 'dot', target: expr, key: key.text };
      } else if (isOp(t, '[')) {
        next();
        const index = binary(0);
        expect(']');
        expr = { type: 'index', target: expr, index };
      } else if (isOp(t, '(')) {
        next();
        const args: Expr[] = [];
        if (!isOp(peek(), ')')) {
          args.push(binary(0));
          while (isOp(peek(), ',')) {
            next();
            args.push(binary(0));
          }
        }
        expect(')');
        expr = { type: 'call', fn: expr, args };
      } else return expr;
    }
  }

  function lambdaAhead(): boolean {
    // ( name [, name]* ) =>
    let k = 1;
    if (peek(k).kind !== 'name') return isOp(peek(k), ')') && isOp(peek(k + 1), '=>');
    for (;;) {
      if (peek(k).kind !== 'name') return false;
      k++;
      if (isOp(peek(k), ')')) return isOp(peek(k + 1), '=>');
      if (!isOp(peek(k), ',')) return false;
      k++;
    }
  }

  function primary(): Expr {
    const t = peek();
    if (isOp(t, '(')) {
      if (lambdaAhead()) {
        next();
        const params: string[] = [];
        while (!isOp(peek(), ')')) {
          params.push(next().text);
          if (isOp(peek(), ',')) next();
        }
        next();
        expect('=>');
        return { type: 'lambda', params, body: binary(0) };
      }
      next();
      const inner = binary(0);
      expect(')');
      return inner;
    }
    next();
    switch (t.kind) {
      case 'number':
        return { type: 'number', value: t.text };
      case 'string':
        return { type: 'text', value: t.text };
      case 'name': {
        const lower = t.text.toLowerCase();
        if (lower === 'true' || lower === 'false') return { type: 'boolean', value: lower === 'true' };
        if (lower === 'null') return { type: 'null' };
        return { type: 'name', name: t.text };
      }
      default:
        throw new ExpressionSyntaxError(`syntax error at '${t.text || 'end of expression'}'`);
    }
  }

  const expr = binary(0);
  if (peek().kind !== 'end') throw new ExpressionSyntaxError(`syntax error at '${peek().text}'`);
  return expr;
}
