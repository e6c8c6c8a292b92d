// Contact queries, as smart groups use them: conditions `key op value`
// (op: = != ~ > >= < <=) combined with AND / OR and parentheses, where
// conditions side by side mean AND. `key = ""` is true when the contact has
// no value, `key != ""` when it has one.
import Decimal from 'decimal.js';
import type { SessionAssets } from './assets';
import type { Contact } from './contact';
import { dateTimeFromText, parseISODateTime } from './expressions/dates';
import type { Environment } from './expressions/environment';
import { parseDecimal } from './expressions/values';
import { tokenize } from './functions/words';
import { parseURN } from './urns';

type Operator = '=' | '!=' | '~' | '>' | '>=' | '<' | '<=';

type QueryNode =
  | { kind: 'condition'; key: string; op: Operator; value: string }
  | { kind: 'and' | 'or'; children: QueryNode[] };

export class ContactQueryError extends Error {}

type Token = { type: 'word' | 'string' | 'op' | 'open' | 'close'; text: string };

function tokenizeQuery(query: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\()|(\))|("(?:[^"\\]|\\.)*")|(!=|>=|<=|=|~|>|<)|([^\s()"=!~<>]+))/y;
  let m: RegExpExecArray | null;
  while (pattern.lastIndex < query.length && (m = pattern.exec(query))) {
    if (m[1]) tokens.push({ type: 'open', text: '(' });
    else if (m[2]) tokens.push({ type: 'close', text: ')' });
    else if (m[3]) tokens.push({ type: 'string', text: m[3].slice(1, -1).replace(/\\(.)/g, '$1') });
    else if (m[4]) tokens.push({ type: 'op', text: m[4] });
    else if (m[5]) tokens.push({ type: 'word', text: m[5] });
    else break;
  }
  if (query.slice(pattern.lastIndex).trim() !== '') throw new ContactQueryError(`can't read query at '${query.slice(pattern.lastIndex)}'`);
  return tokens;
}

export function parseContactQuery(query: string): QueryNode {
  const tokens = tokenizeQuery(query);
  let pos = 0;
  const peek = () => tokens[pos];
  const isKeyword = (t: Token | undefined, word: string) => t?.type === 'word' && t.text.toUpperCase() === word;

  function or(): QueryNode {
    const children = [and()];
    while (isKeyword(peek(), 'OR')) {
      pos++;
      children.push(and());
    }
    return children.length === 1 ? children[0]! : { kind: 'or', children };
  }

  function and(): QueryNode {
    const children = [factor()];
    for (;;) {
      if (isKeyword(peek(), 'AND')) pos++;
      else if (!peek() || peek()!.type === 'close' || isKeyword(peek(), 'OR')) break;
      children.push(factor());
    }
    return children.length === 1 ? children[0]! : { kind: 'and', children };
  }

  function factor(): QueryNode {
    const t = peek();
    if (t?.type === 'open') {
      pos++;
      const inner = or();
      if (peek()?.type !== 'close') throw new ContactQueryError('missing closing parenthesis');
      pos++;
      return inner;
    }
    const key = tokens[pos++];
    const op = tokens[pos++];
    const value = tokens[pos++];
    if (key?.type !== 'word' || op?.type !== 'op' || !value || (value.type !== 'word' && value.type !== 'string')) {
      throw new ContactQueryError(`expected a condition like 'age > 18' in query`);
    }
    return { kind: 'condition', key: key.text.toLowerCase(), op: op.text as Operator, value: value.text };
  }

  const root = or();
  if (pos < tokens.length) throw new ContactQueryError(`unexpected '${tokens[pos]!.text}' in query`);
  return root;
}

type PropertyType = 'text' | 'number' | 'datetime';
type PropertyValue = string | Decimal | number;

interface Property {
  type: PropertyType;
  values: PropertyValue[];
  isName?: boolean;
}

function datetimeMillis(text: string | undefined): number[] {
  const dt = text ? parseISODateTime(text) : undefined;
  return dt ? [dt.dt.toMillis()] : [];
}

function property(contact: Contact, key: string, assets: SessionAssets): Property {
  const nonEmpty = (v: string | undefined) => (v ? [v] : []);
  switch (key) {
    case 'name':
      return { type: 'text', values: nonEmpty(contact.name), isName: true };
    case 'language':
      return { type: 'text', values: nonEmpty(contact.language) };
    case 'status':
      return { type: 'text', values: [contact.json.status ?? 'active'] };
    case 'uuid':
      return { type: 'text', values: [contact.uuid] };
    case 'id':
      return { type: 'text', values: contact.json.id !== undefined ? [String(contact.json.id)] : [] };
    case 'tickets':
      return { type: 'number', values: [new Decimal(contact.tickets.filter((t) => (t.status ?? 'open') === 'open').length)] };
    case 'group':
      return { type: 'text', values: contact.groups.map((g) => g.name) };
    case 'created_on':
      return { type: 'datetime', values: datetimeMillis(contact.json.created_on) };
    case 'last_seen_on':
      return { type: 'datetime', values: datetimeMillis(contact.json.last_seen_on) };
    case 'urn':
      return { type: 'text', values: contact.urns.map((u) => parseURN(u)?.path ?? u) };
  }
  const fieldKey = key.startsWith('fields.') ? key.slice(7) : key;
  const field = assets.field(fieldKey);
  if (field) {
    const value = contact.fields[field.key];
    if (field.type === 'number') {
      const n = value?.number !== undefined ? parseDecimal(String(value.number)) : undefined;
      return { type: 'number', values: n ? [n] : [] };
    }
    if (field.type === 'datetime') return { type: 'datetime', values: datetimeMillis(value?.datetime) };
    const typed = field.type === 'state' || field.type === 'district' || field.type === 'ward' ? value?.[field.type] : value?.text;
    return { type: 'text', values: nonEmpty(typed?.split('>').pop()?.trim() ?? typed) };
  }
  // Anything else is a URN scheme (tel, mailto, whatsapp, …).
  return { type: 'text', values: contact.urns.map((u) => parseURN(u)).filter((u) => u?.scheme === key).map((u) => u!.path) };
}

function compareText(actual: string, op: Operator, wanted: string, isName: boolean): boolean {
  const a = actual.trim().toLowerCase();
  const w = wanted.trim().toLowerCase();
  switch (op) {
    case '=':
      return a === w;
    case '!=':
      return a !== w;
    case '~':
      // Names match on word prefixes ("bob" finds "Bobby Smith").
      return isName ? tokenize(a).some((t) => tokenize(w).some((q) => t.text.slice(0, 8).startsWith(q.text.slice(0, 8)))) : a.includes(w);
    default:
      return false;
  }
}

function compareOrdered(c: number, op: Operator): boolean {
  switch (op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    default:
      return false;
  }
}

function conditionHolds(contact: Contact, node: Extract<QueryNode, { kind: 'condition' }>, assets: SessionAssets, env: Environment): boolean {
  const prop = property(contact, node.key, assets);
  if (node.value === '' && (node.op === '=' || node.op === '!=')) {
    return node.op === '=' ? prop.values.length === 0 : prop.values.length > 0;
  }
  const test = (value: PropertyValue): boolean => {
    if (prop.type === 'number') {
      const wanted = parseDecimal(node.value);
      return wanted !== undefined && compareOrdered((value as Decimal).comparedTo(wanted), node.op);
    }
    if (prop.type === 'datetime') {
      // A date in a query means that whole day in the workspace time zone.
      const day = dateTimeFromText(env, node.value);
      if (!day) return false;
      const start = day.dt.startOf('day').toMillis();
      const end = day.dt.startOf('day').plus({ days: 1 }).toMillis();
      const t = value as number;
      const c = t < start ? -1 : t >= end ? 1 : 0;
      return compareOrdered(c, node.op);
    }
    return compareText(value as string, node.op, node.value, prop.isName === true);
  };
  const results = prop.values.map(test);
  // `!=` must hold for every value, the others for any.
  return node.op === '!=' ? results.every(Boolean) : results.some(Boolean);
}

export function evaluateContactQuery(contact: Contact, query: QueryNode, assets: SessionAssets, env: Environment): boolean {
  switch (query.kind) {
    case 'and':
      return query.children.every((c) => evaluateContactQuery(contact, c, assets, env));
    case 'or':
      return query.children.some((c) => evaluateContactQuery(contact, c, assets, env));
    case 'condition':
      return conditionHolds(contact, query, assets, env);
  }
}
