// What routers need from the engine, and what routing decides.
import type { CategoryJSON, ExitJSON, RouterJSON } from '../definition/types';
import type { FlowNode } from '../definition/flow';
import type { Scope } from '../expressions/evaluate';
import type { XValue } from '../expressions/values';

export interface RouterContext {
  readonly node: FlowNode;
  readonly language: string;
  scope(): Scope;
  /** Evaluates a template to a value; failures become `error` events. */
  evaluateValue(template: string): XValue;
  evaluate(template: string): string;
  localize(itemUuid: string, property: string, base: string[]): string[];
  error(text: string): void;
  random(): number;
}

export interface RouteDecision {
  category: CategoryJSON;
  exit: ExitJSON;
  /** The operand as text, recorded on the segment and as the result's input. */
  operand?: string;
  /** The value a result saves: the test's match, or the operand. */
  value: string;
  extra?: unknown;
}

export type Resumption = { kind: 'msg' } | { kind: 'timeout' } | { kind: 'child' } | undefined;

export function categoryExit(node: FlowNode, router: RouterJSON, categoryUuid: string | undefined): { category: CategoryJSON; exit: ExitJSON } {
  const category = router.categories.find((c) => c.uuid === categoryUuid) ?? router.categories[0]!;
  const exit = node.exits.find((e) => e.uuid === category.exit_uuid) ?? node.exits[0]!;
  return { category, exit };
}
