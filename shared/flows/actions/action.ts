// What every action type provides, and what the engine lends an action
// while it runs.
import type { SessionAssets } from '../assets';
import type { Flow, FlowNode } from '../definition/flow';
import type { Environment } from '../expressions/environment';
import type { EngineServices } from '../ports';
import type { Run, Session } from '../session';

export type EventJSON = { type: string; uuid: string; created_on: string; [key: string]: unknown };

/** Thrown while reading a definition: the action JSON is not valid. */
export class ActionReadError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join(', '));
  }
}

export interface ActionContext {
  readonly session: Session;
  readonly run: Run;
  readonly flow: Flow;
  readonly node: FlowNode;
  readonly assets: SessionAssets;
  readonly env: Environment;
  readonly services: EngineServices;
  /** The language the run's texts are shown in (contact's, if the flow has it). */
  readonly language: string;
  now(): string;
  newUUID(): string;
  emit(type: string, payload: Record<string, unknown>): EventJSON;
  /** Evaluates a template; failures become `error` events and empty text. */
  evaluate(template: string): string;
  /** Like evaluate, but undefined when the template had errors (the action is skipped). */
  evaluateStrict(template: string): string | undefined;
  /** The translation of an item's property in the run language, or the base texts. */
  localize(itemUuid: string, property: string, base: string[]): string[];
  error(text: string, code?: string, extra?: Record<string, unknown>): void;
  missingDependency(type: string, ref: { uuid?: string; key?: string; name?: string }): void;
  /** Keeps smart groups current after a contact change, emitting the change. */
  contactChanged(): void;
  saveResult(name: string, value: string, category: string, input: string | undefined, extra?: unknown): void;
  /** Starts a child run; a terminal one ends this run first. */
  startChild(flow: Flow, terminal: boolean): void;
  readFlow(json: object): Flow;
  /** Fails the session with a `failure` event; the sprint stops. */
  fail(text: string): void;
  /** How many times the run has entered the current node (1 on the first visit). */
  visitCount(): number;
}

export interface ActionType<A> {
  readonly type: string;
  /** Validates the JSON of one action and returns it typed. */
  read(json: Record<string, unknown>): A;
  execute(action: A, ctx: ActionContext): Promise<void> | void;
}

// ---------------------------------------------------------------- reading

export class FieldChecker {
  readonly problems: string[] = [];
  constructor(private readonly json: Record<string, unknown>) {}

  required(field: string): this {
    const v = this.json[field];
    if (v === undefined || v === null || v === '') this.problems.push(`field '${field}' is required`);
    return this;
  }

  maxItems(field: string, max: number): this {
    const v = this.json[field];
    if (Array.isArray(v) && v.length > max) this.problems.push(`field '${field}' must have a maximum of ${max} items`);
    return this;
  }

  maxLength(field: string, max: number): this {
    const v = this.json[field];
    if (typeof v === 'string' && [...v].length > max) this.problems.push(`field '${field}' must be less than or equal to ${max}`);
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        if (typeof item === 'string' && [...item].length > max) this.problems.push(`field '${field}[${i}]' must be less than or equal to ${max}`);
      });
    }
    return this;
  }

  uuids(field: string, inner: string): this {
    const v = this.json[field];
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        const u = (item as Record<string, unknown> | null)?.[inner];
        if (u !== undefined && (typeof u !== 'string' || !UUID.test(u))) this.problems.push(`field '${field}[${i}].${inner}' must be a valid UUID`);
      });
    }
    return this;
  }

  check(): void {
    if (this.problems.length) throw new ActionReadError(this.problems);
  }
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Cuts text to a limit (in characters), as goflow truncates long values. */
export function truncate(text: string, max: number, ellipsis = ''): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  return chars.slice(0, max - [...ellipsis].length).join('') + ellipsis;
}
