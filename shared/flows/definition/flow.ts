// Reading a flow definition: migrate it to the current spec, then check it
// hangs together (exits, destinations, categories, cases, action types) and
// read every action through its type. Anything wrong is refused here with
// a FlowReadError naming where, so broken flows never reach a session.
import { ACTION_TYPES } from '../actions/registry';
import { ActionReadError, type ActionType } from '../actions/action';
import { ROUTER_TEST_TYPES } from '../routers/tests';
import { FlowMigrationError, migrateFlow } from './migrations';
import type { ActionJSON, ExitJSON, FlowJSON, LocalizationJSON, RouterJSON } from './types';
import * as z from 'zod';

/** The rule start_flow and the flow routes apply to a flow's uuid: a flow imported under any other id could never be started. */
const flowUuid = z.uuid();

export class FlowReadError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid flow definition: ${problems.join('; ')}`);
  }
}

export interface FlowAction {
  json: ActionJSON;
  type: ActionType<unknown>;
  action: unknown;
}

export interface FlowNode {
  uuid: string;
  actions: FlowAction[];
  router?: RouterJSON;
  exits: ExitJSON[];
}

const DEFAULT_EXPIRE_MINUTES: Record<string, number> = { messaging: 10080, messaging_background: 0, messaging_offline: 10080, voice: 5 };

export class Flow {
  readonly nodes: FlowNode[];
  private readonly byUuid: Map<string, FlowNode>;

  constructor(
    readonly json: FlowJSON,
    nodes: FlowNode[],
  ) {
    this.nodes = nodes;
    this.byUuid = new Map(nodes.map((n) => [n.uuid, n]));
  }

  get uuid(): string {
    return this.json.uuid;
  }
  get name(): string {
    return this.json.name;
  }
  get language(): string {
    return this.json.language;
  }
  get type(): string {
    return this.json.type;
  }
  get revision(): number | undefined {
    return this.json.revision;
  }
  get localization(): LocalizationJSON {
    return this.json.localization ?? {};
  }
  get expireAfterMinutes(): number {
    return this.json.expire_after_minutes ?? (Object.hasOwn(DEFAULT_EXPIRE_MINUTES, this.type) ? DEFAULT_EXPIRE_MINUTES[this.type] : undefined) ?? 10080;
  }

  node(uuid: string): FlowNode | undefined {
    return this.byUuid.get(uuid);
  }

  /** Translations of an item's property, when the language has them. */
  translation(language: string, itemUuid: string, property: string): string[] | undefined {
    return this.localization[language]?.[itemUuid]?.[property];
  }
}

const FLOW_TYPES = new Set(['messaging', 'messaging_background', 'messaging_offline', 'voice']);

/** Migrates, validates and reads a definition of any supported spec version. */
export function readFlow(input: unknown): Flow {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new FlowReadError(['definition must be a JSON object']);
  // Migrations and the checks below walk the structure; a wrong shape is refused here, with its place, before either trips on it.
  const shape = shapeProblems(input as Record<string, unknown>);
  if (shape.length) throw new FlowReadError(shape);
  let json: Record<string, unknown>;
  try {
    json = migrateFlow(input as Record<string, unknown>);
  } catch (e) {
    if (e instanceof FlowMigrationError) throw new FlowReadError([e.message]);
    throw e;
  }
  const problems: string[] = [];
  for (const field of ['uuid', 'name', 'spec_version', 'language', 'type']) {
    if (typeof json[field] !== 'string' || json[field] === '') problems.push(`field '${field}' is required`);
  }
  if (typeof json.uuid === 'string' && json.uuid !== '' && !flowUuid.safeParse(json.uuid).success) problems.push(`field 'uuid' must be a UUID (got ${JSON.stringify(json.uuid.slice(0, 40))})`);
  if (typeof json.type === 'string' && json.type !== '' && !FLOW_TYPES.has(json.type)) problems.push(`field 'type' must be one of ${[...FLOW_TYPES].join(', ')}`);
  if (!Array.isArray(json.nodes)) problems.push("field 'nodes' is required");
  if (problems.length) throw new FlowReadError(problems);

  const nodeUuids = new Set<string>();
  const exitUuids = new Set<string>();
  const nodes: FlowNode[] = [];
  (json.nodes as unknown[]).forEach((raw, i) => {
    const where = `node[${i}]`;
    if (typeof raw !== 'object' || raw === null) {
      problems.push(`${where} must be an object`);
      return;
    }
    const node = raw as { uuid?: string; actions?: ActionJSON[]; router?: RouterJSON; exits?: ExitJSON[] };
    if (!node.uuid) problems.push(`${where}: field 'uuid' is required`);
    else if (nodeUuids.has(node.uuid)) problems.push(`${where}: duplicate node uuid ${node.uuid}`);
    else nodeUuids.add(node.uuid);

    const exits = Array.isArray(node.exits) ? node.exits : [];
    if (exits.length === 0) problems.push(`${where}: must have at least one exit`);
    for (const exit of exits) {
      if (!exit?.uuid) problems.push(`${where}: exit without uuid`);
      else if (exitUuids.has(exit.uuid)) problems.push(`${where}: duplicate exit uuid ${exit.uuid}`);
      else exitUuids.add(exit.uuid);
    }

    const actions: FlowAction[] = [];
    (node.actions ?? []).forEach((action, j) => {
      const type = ACTION_TYPES.get(action?.type);
      if (!type) {
        problems.push(`${where}.actions[${j}]: unknown action type '${String(action?.type)}'`);
        return;
      }
      if (!action.uuid) problems.push(`${where}.actions[${j}]: field 'uuid' is required`);
      try {
        actions.push({ json: action, type, action: type.read(action as unknown as Record<string, unknown>) });
      } catch (e) {
        if (e instanceof ActionReadError) problems.push(`${where}.actions[${j}] (${action.type}): ${e.message}`);
        else throw e;
      }
    });

    if (node.router) checkRouter(node.router, exits, `${where}.router`, problems);
    nodes.push({ uuid: node.uuid ?? '', actions, router: node.router, exits });
  });

  // Destinations can point forward, so they are checked once all nodes are known.
  for (const node of nodes) {
    for (const exit of node.exits) {
      if (exit.destination_uuid && !nodeUuids.has(exit.destination_uuid)) {
        problems.push(`node ${node.uuid}: exit ${exit.uuid} goes to missing node ${exit.destination_uuid}`);
      }
    }
  }
  if (problems.length) throw new FlowReadError(problems);
  return new Flow(json as unknown as FlowJSON, nodes);
}

function checkRouter(router: RouterJSON, exits: ExitJSON[], where: string, problems: string[]): void {
  if (router.type !== 'switch' && router.type !== 'random') {
    problems.push(`${where}: unknown router type '${String(router.type)}'`);
    return;
  }
  const categories = Array.isArray(router.categories) ? router.categories : [];
  if (categories.length === 0) problems.push(`${where}: must have at least one category`);
  const categoryUuids = new Set(categories.map((c) => c.uuid));
  for (const c of categories) {
    if (!exits.some((e) => e.uuid === c.exit_uuid)) problems.push(`${where}: category '${c.name}' uses missing exit ${c.exit_uuid}`);
  }
  if (router.type === 'switch') {
    if (router.default_category_uuid && !categoryUuids.has(router.default_category_uuid)) {
      problems.push(`${where}: default category ${router.default_category_uuid} is not a category`);
    }
    for (const c of router.cases ?? []) {
      if (!ROUTER_TEST_TYPES.has(c.type)) problems.push(`${where}: case ${c.uuid} has unknown test type '${c.type}'`);
      if (!categoryUuids.has(c.category_uuid)) problems.push(`${where}: case ${c.uuid} uses missing category ${c.category_uuid}`);
    }
    if (router.wait && router.wait.type !== 'msg') problems.push(`${where}: unknown wait type '${String(router.wait.type)}'`);
    const timeout = router.wait?.timeout;
    if (timeout && !categoryUuids.has(timeout.category_uuid)) problems.push(`${where}: timeout category ${timeout.category_uuid} is not a category`);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks `json[field]`, when present, is a list of objects; returns them (an empty list when absent or wrong). */
function objectList(json: Record<string, unknown>, field: string, where: string, problems: string[]): Record<string, unknown>[] {
  const value = json[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push(`${where}: field '${field}' must be a list`);
    return [];
  }
  const items: Record<string, unknown>[] = [];
  value.forEach((item, i) => {
    if (isObject(item)) items.push(item);
    else problems.push(`${where}.${field}[${i}] must be an object`);
  });
  return items;
}

function optionalObject(json: Record<string, unknown>, field: string, where: string, problems: string[]): Record<string, unknown> | undefined {
  const value = json[field];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) {
    problems.push(`${where}: field '${field}' must be an object`);
    return undefined;
  }
  return value;
}

/**
 * The structure every later step relies on: nodes, actions, exits, router
 * categories and cases are lists of objects, routers, waits and timeouts are
 * objects, translations are objects by language and item.
 */
function shapeProblems(json: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (json.nodes !== undefined && !Array.isArray(json.nodes)) problems.push("field 'nodes' must be a list");
  else if (Array.isArray(json.nodes))
    json.nodes.forEach((node, i) => {
      const where = `node[${i}]`;
      if (!isObject(node)) {
        problems.push(`${where} must be an object`);
        return;
      }
      objectList(node, 'exits', where, problems);
      objectList(node, 'actions', where, problems).forEach((action, j) => {
        const templating = optionalObject(action, 'templating', `${where}.actions[${j}]`, problems);
        if (templating) objectList(templating, 'components', `${where}.actions[${j}].templating`, problems);
      });
      const router = optionalObject(node, 'router', where, problems);
      if (!router) return;
      objectList(router, 'categories', `${where}.router`, problems);
      objectList(router, 'cases', `${where}.router`, problems).forEach((c, k) => {
        if (c.arguments !== undefined && c.arguments !== null && !(Array.isArray(c.arguments) && c.arguments.every((argument) => typeof argument === 'string')))
          problems.push(`${where}.router.cases[${k}]: field 'arguments' must be a list of texts`);
      });
      const wait = optionalObject(router, 'wait', `${where}.router`, problems);
      if (wait) optionalObject(wait, 'timeout', `${where}.router.wait`, problems);
    });
  const localization = optionalObject(json, 'localization', 'flow', problems);
  for (const [language, items] of Object.entries(localization ?? {})) {
    if (!isObject(items)) problems.push(`localization.${language} must be an object`);
    else for (const [item, translation] of Object.entries(items)) if (!isObject(translation)) problems.push(`localization.${language}.${item} must be an object`);
  }
  return problems;
}
