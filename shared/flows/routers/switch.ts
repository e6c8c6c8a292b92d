// The switch router: evaluates its operand and picks the category of the
// first case whose test matches, else the default category. A timeout
// resume routes straight to the wait's timeout category.
import type { RouterJSON } from '../definition/types';
import { XError, XObject, toBoolean, toText, type XValue } from '../expressions/values';
import { FUNCTIONS } from '../functions/index';
import { categoryExit, type RouteDecision, type RouterContext, type Resumption } from './router';

function text(v: XValue): string {
  const t = toText(v);
  return t instanceof XError ? '' : t;
}

export function routeSwitch(router: RouterJSON, ctx: RouterContext, resumption: Resumption): RouteDecision {
  if (resumption?.kind === 'timeout' && router.wait?.timeout) {
    const { category, exit } = categoryExit(ctx.node, router, router.wait.timeout.category_uuid);
    return { category, exit, value: '' };
  }
  const operandValue = router.operand ? ctx.evaluateValue(router.operand) : null;
  const operand = text(operandValue);

  for (const c of router.cases ?? []) {
    const test = FUNCTIONS.get(c.type);
    if (!test) {
      ctx.error(`unknown router test '${c.type}'`);
      continue;
    }
    const argTemplates = ctx.localize(c.uuid, 'arguments', c.arguments ?? []);
    const args = argTemplates.map((a) => ctx.evaluateValue(a));
    const result = test.call(ctx.scope(), [operandValue, ...args]);
    if (result instanceof XError) {
      // The message already says `error calling <test>(...)`, as goflow's does.
      ctx.error(`Error calling test ${c.type}(...): ${result.message}`);
      continue;
    }
    // A test gives a result object whose default says whether it matched.
    if (result instanceof XObject && toBoolean(result) === true) {
      const { category, exit } = categoryExit(ctx.node, router, c.category_uuid);
      const extra = result.get('extra');
      return {
        category,
        exit,
        operand: router.operand ? operand : undefined,
        value: text(result.get('match') ?? null),
        extra: extra === undefined || extra === null ? undefined : extra,
      };
    }
  }
  const { category, exit } = categoryExit(ctx.node, router, router.default_category_uuid);
  return { category, exit, operand: router.operand ? operand : undefined, value: operand };
}
