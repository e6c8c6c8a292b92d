// The part of EventBridge's event-pattern language that pipe and event source
// filters use: exact values, prefix, suffix, exists, anything-but, numeric
// comparisons, and nested objects. A pattern matches when every key matches;
// a list of conditions matches when any condition does.

export type EventPattern = { [key: string]: EventPattern | Condition[] };
type Condition = string | number | boolean | null | Record<string, unknown>;

export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = event !== null && typeof event === 'object' ? (event as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(expected)) return matchesConditions(expected, actual);
    return matchesPattern(expected, actual);
  });
}

function matchesConditions(conditions: Condition[], actual: unknown): boolean {
  // A field holding an array matches when any of its elements does.
  const values = Array.isArray(actual) ? actual : [actual];
  return conditions.some((condition) => {
    if (condition !== null && typeof condition === 'object') {
      if ('exists' in condition) return condition.exists === (actual !== undefined);
      return actual !== undefined && values.some((value) => matchesOperator(condition, value));
    }
    return values.some((value) => value === condition);
  });
}

function matchesOperator(operator: Record<string, unknown>, value: unknown): boolean {
  const [[name, argument]] = Object.entries(operator) as [[string, unknown]];
  switch (name) {
    case 'prefix':
      return typeof value === 'string' && value.startsWith(String(argument));
    case 'suffix':
      return typeof value === 'string' && value.endsWith(String(argument));
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === String(argument).toLowerCase();
    case 'anything-but': {
      if (argument !== null && typeof argument === 'object' && !Array.isArray(argument)) {
        return !matchesOperator(argument as Record<string, unknown>, value);
      }
      const excluded = Array.isArray(argument) ? argument : [argument];
      return !excluded.includes(value);
    }
    case 'numeric': {
      const comparisons = argument as (string | number)[];
      if (typeof value !== 'number') return false;
      for (let index = 0; index < comparisons.length; index += 2) {
        const bound = Number(comparisons[index + 1]);
        const holds = { '<': value < bound, '<=': value <= bound, '=': value === bound, '>': value > bound, '>=': value >= bound }[
          String(comparisons[index]) as '<'
        ];
        if (!holds) return false;
      }
      return true;
    }
    default:
      throw new Error(`event pattern operator "${name}" is not supported by the local stack`);
  }
}
