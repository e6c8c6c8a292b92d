// Every documented example of goflow's expression language — functions,
// operators, types and router tests — evaluated by our engine. The examples
// are data (fixtures/excellent-examples.json); the context is the
// documentation's (support/documentation-scope.ts): its contact, fields and a
// completed run whose webhook result is Success.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateTemplate } from '#flows/expressions/template';
import { documentationScope } from './support/documentation-scope';

interface Example {
  kind: 'function' | 'operator' | 'type' | 'test';
  name: string;
  template: string;
  /** The rendered text, or ERROR when the template must fail. */
  expected: string;
}

const { examples } = JSON.parse(readFileSync(resolve(__dirname, 'fixtures/excellent-examples.json'), 'utf8')) as { examples: Example[] };

// Random functions: goflow's documentation shows the outputs of its seeded
// generator, which no other generator reproduces; these examples are checked
// for their range instead (see docs/flow-engine.md).
const RANDOM: Record<string, (text: string) => boolean> = {
  rand: (t) => /^0(\.\d+)?$/.test(t),
  rand_between: (t) => /^\d+$/.test(t) && Number(t) >= 1 && Number(t) <= 10,
};

function render(template: string): string {
  const result = evaluateTemplate(template, documentationScope());
  return result.errors.length > 0 ? 'ERROR' : result.text;
}

describe("goflow's documented expression examples", () => {
  it('has every family of examples', () => {
    const kinds = new Set(examples.map((e) => e.kind));
    expect([...kinds].sort()).toEqual(['function', 'operator', 'test', 'type']);
    expect(examples.length).toBeGreaterThanOrEqual(490);
  });

  it.each(examples.map((e, i) => [i, e.template, e] as const))('#%i %s', (_i, _template, example) => {
    const actual = render(example.template);
    const inRange = RANDOM[example.name];
    if (inRange) expect(inRange(actual), actual).toBe(true);
    else expect(actual).toBe(example.expected);
  });
});
