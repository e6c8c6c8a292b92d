// Text the service accepts from outside (HTTP bodies, Invoke payloads) before
// any schema reads it. Two classes of input are refused wherever they occur,
// so that no route or command has to remember them:
// - strings and keys that are not well-formed Unicode (a lone surrogate such
//   as "\ud800", which JSON can carry): DynamoDB, SQS and the flow engine
//   cannot store or process them faithfully;
// - the key `__proto__`: assigning it to a plain object changes the object's
//   prototype instead of adding an entry, so it is silently lost (or worse).
// Other keys that are names of Object.prototype properties (`constructor`,
// `toString`) are refused where keys become contact fields (contact.ts) and
// stored safely everywhere else (the table client marshals maps by their own
// entries, shared/adapters/dynamodb/table-client.ts).

/** Where in a JSON value the first malformed text is, and why; null when there is none. */
export interface MalformedText {
  /** Dotted path (`contact.fields.name`); '' for the value itself. */
  path: string;
  message: string;
}

const MAX_DEPTH = 64;

// String.prototype.isWellFormed is ES2024; the project targets ES2023's library.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** False for a string holding a lone surrogate (not valid UTF-16, so not encodable as UTF-8). */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

export function findMalformedText(value: unknown, path: string[] = []): MalformedText | null {
  const at = () => path.join('.');
  if (typeof value === 'string') {
    return isWellFormedText(value) ? null : { path: at(), message: 'The text is not valid Unicode (it holds a lone surrogate).' };
  }
  if (typeof value !== 'object' || value === null) return null;
  if (path.length > MAX_DEPTH) return { path: at(), message: `The value is nested deeper than ${MAX_DEPTH} levels.` };
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findMalformedText(value[index], [...path, String(index)]);
      if (found) return found;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (!isWellFormedText(key)) return { path: at() || 'request', message: 'A key is not valid Unicode (it holds a lone surrogate).' };
    if (key === '__proto__') return { path: [...path, key].join('.'), message: 'The key "__proto__" is not allowed.' };
    const found = findMalformedText((value as Record<string, unknown>)[key], [...path, key]);
    if (found) return found;
  }
  return null;
}

/** Names that a plain object already answers to (`constructor`, `toString`, `__proto__`…): never keys of user data kept in objects. */
export function isObjectPrototypeName(key: string): boolean {
  return key in Object.prototype;
}
