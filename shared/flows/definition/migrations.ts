// Migrations of flow definitions from spec 13.0 to the current version.
// Each step takes a definition of the version before it and returns one of
// its own version; `migrateFlow` applies every step the definition needs.
// RapidPro 9 exports 13.x flows, so all of these run on real imports.
import { v4 as uuidv4 } from 'uuid';
import { parseExpression } from '../expressions/parser';
import { CURRENT_SPEC_VERSION } from './types';

type JSONObject = Record<string, unknown>;
type Migration = (flow: JSONObject) => void;

const CONTEXT_ROOTS = ['contact', 'fields', 'urns', 'results', 'locals', 'input', 'run', 'node', 'ticket', 'trigger', 'globals', 'parent', 'child', 'webhook', 'legacy_extra', 'resume'];

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

// ------------------------------------------------------------ walking

const nodesOf = (flow: JSONObject) => (Array.isArray(flow.nodes) ? (flow.nodes as JSONObject[]) : []);
const actionsOf = (node: JSONObject) => (Array.isArray(node.actions) ? (node.actions as JSONObject[]) : []);
const routerOf = (node: JSONObject) => (node.router && typeof node.router === 'object' ? (node.router as JSONObject) : undefined);
const casesOf = (router: JSONObject) => (Array.isArray(router.cases) ? (router.cases as JSONObject[]) : []);
const localizationOf = (flow: JSONObject) => (flow.localization && typeof flow.localization === 'object' ? (flow.localization as Record<string, Record<string, JSONObject>>) : {});

const NON_TEMPLATE_KEYS = new Set(['uuid', 'type', 'category_uuid', 'exit_uuid', 'destination_uuid', 'default_category_uuid', 'result_name', 'name', 'key', 'scheme', 'local', 'operation']);

/** Applies a rewrite to every template of the flow (actions, routers, translations). */
function rewriteTemplates(flow: JSONObject, rewrite: (template: string) => string): void {
  const visit = (value: unknown, key?: string): unknown => {
    if (typeof value === 'string') return key !== undefined && NON_TEMPLATE_KEYS.has(key) ? value : rewrite(value);
    if (Array.isArray(value)) return value.map((v) => visit(v));
    if (value && typeof value === 'object') {
      const obj = value as JSONObject;
      for (const [k, v] of Object.entries(obj)) obj[k] = visit(v, k);
      return obj;
    }
    return value;
  };
  for (const node of nodesOf(flow)) {
    for (const action of actionsOf(node)) visit(action);
    const router = routerOf(node);
    if (router) {
      if (typeof router.operand === 'string') router.operand = rewrite(router.operand);
      for (const c of casesOf(router)) if (Array.isArray(c.arguments)) c.arguments = (c.arguments as string[]).map(rewrite);
    }
  }
  for (const items of Object.values(localizationOf(flow))) {
    for (const item of Object.values(items)) visit(item);
  }
}

/**
 * Rewrites the expressions of a template, leaving its literal text (and
 * `@@` escapes) untouched. `rewrite` gets each expression's source.
 */
function rewriteExpressions(template: string, rewrite: (source: string) => string): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const at = template.indexOf('@', i);
    if (at < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, at);
    const next = template[at + 1];
    if (next === '@') {
      out += '@@';
      i = at + 2;
    } else if (next === '(') {
      const end = closingParen(template, at + 1);
      if (end < 0) {
        out += template.slice(at);
        break;
      }
      out += `@(${rewrite(template.slice(at + 2, end))})`;
      i = end + 1;
    } else {
      const m = /^[\p{L}_][\p{L}\p{N}_.]*/u.exec(template.slice(at + 1));
      let path = m?.[0] ?? '';
      while (path.endsWith('.')) path = path.slice(0, -1);
      if (path && CONTEXT_ROOTS.includes(path.split('.')[0]!.toLowerCase())) {
        const rewritten = rewrite(path);
        // A rewrite that is no longer a plain path needs parentheses.
        out += /^[\p{L}_][\p{L}\p{N}_.]*$/u.test(rewritten) ? `@${rewritten}` : `@(${rewritten})`;
        i = at + 1 + path.length;
      } else {
        out += '@';
        i = at + 1;
      }
    }
  }
  return out;
}

function closingParen(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Replaces top-level identifiers (not property names, not strings) in an expression. */
function replaceTopLevelName(source: string, name: string, replacement: (rest: string) => string): string {
  try {
    parseExpression(source);
  } catch {
    return source;
  }
  let out = '';
  let i = 0;
  let inString = false;
  while (i < source.length) {
    const c = source[i]!;
    if (inString) {
      out += c;
      if (c === '\\') {
        out += source[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (c === '"') inString = false;
      i++;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      i++;
      continue;
    }
    const m = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(source.slice(i));
    if (m) {
      const prev = out.trimEnd().slice(-1);
      if (m[0].toLowerCase() === name && prev !== '.') out += replacement(source.slice(i + m[0].length));
      else out += m[0];
      i += m[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

// ------------------------------------------------------------ steps

const MIGRATIONS: [string, Migration][] = [
  [
    '13.1.0',
    (flow) => {
      for (const node of nodesOf(flow)) {
        for (const action of actionsOf(node)) {
          const templating = action.templating as JSONObject | undefined;
          if (action.type === 'send_msg' && templating && !templating.uuid) {
            action.templating = { uuid: uuidv4(), ...templating };
          }
        }
      }
    },
  ],
  [
    '13.2.0',
    (flow) => {
      if (flow.language === 'base') flow.language = 'und';
      const localization = localizationOf(flow);
      delete localization.und;
      delete localization.base;
    },
  ],
  [
    '13.3.0',
    (flow) => rewriteTemplates(flow, (t) => rewriteExpressions(t, (source) => replaceTopLevelName(source, 'webhook', (rest) => (rest.startsWith('.json') ? 'webhook' : 'webhook.json')))),
  ],
  [
    '13.4.0',
    (flow) => {
      const localization = localizationOf(flow);
      for (const node of nodesOf(flow)) {
        for (const action of actionsOf(node)) {
          const templating = action.templating as JSONObject | undefined;
          if (action.type !== 'send_msg' || !templating) continue;
          const oldUuid = templating.uuid as string | undefined;
          const component = { uuid: uuidv4(), name: 'body', params: (templating.variables as string[] | undefined) ?? [] };
          action.templating = { template: templating.template, components: [component] };
          for (const items of Object.values(localization)) {
            const translated = oldUuid ? items[oldUuid] : undefined;
            if (!translated) continue;
            delete items[oldUuid!];
            if (translated.variables) items[component.uuid] = { params: translated.variables };
          }
        }
      }
    },
  ],
  [
    '13.5.0',
    (flow) => {
      const localization = localizationOf(flow);
      for (const node of nodesOf(flow)) {
        for (const action of actionsOf(node)) {
          const templating = action.templating as JSONObject | undefined;
          if (action.type !== 'send_msg' || !templating) continue;
          const components = (templating.components as { uuid: string; params?: string[] }[] | undefined) ?? [];
          delete action.templating;
          action.template = templating.template;
          action.template_variables = components.flatMap((c) => c.params ?? []);
          for (const items of Object.values(localization)) {
            if (!components.some((c) => items[c.uuid])) continue;
            const variables = components.flatMap((c) => (items[c.uuid]?.params as string[] | undefined) ?? c.params ?? []);
            for (const c of components) delete items[c.uuid];
            items[action.uuid as string] = { ...(items[action.uuid as string] ?? {}), template_variables: variables };
          }
        }
      }
    },
  ],
  [
    '13.6.0',
    (flow) => {
      for (const node of nodesOf(flow)) {
        for (const action of actionsOf(node)) {
          if (action.type !== 'set_run_result') continue;
          if (typeof action.name === 'string') action.name = cut(action.name, 64);
          if (typeof action.category === 'string') action.category = cut(action.category, 36);
        }
        const router = routerOf(node);
        if (!router) continue;
        if (typeof router.result_name === 'string') router.result_name = cut(router.result_name, 64);
        for (const c of (router.categories as JSONObject[] | undefined) ?? []) if (typeof c.name === 'string') c.name = cut(c.name, 36);
      }
    },
  ],
  [
    '13.6.1',
    (flow) =>
      rewriteTemplates(flow, (t) =>
        rewriteExpressions(t, (source) => source.replace(/(\bresults\.)([\p{L}\p{N}_]+)/gu, (_m, prefix: string, key: string) => prefix + cut(key, 64))),
      ),
  ],
  [
    '14.0.0',
    (flow) => {
      const limits: Record<string, [number, number]> = { messaging: [5, 20160], messaging_offline: [5, 20160], voice: [1, 15] };
      const range = limits[flow.type as string];
      if (typeof flow.expire_after_minutes === 'number' && range) {
        const [min, max] = range;
        if (flow.expire_after_minutes < min || flow.expire_after_minutes > max) flow.expire_after_minutes = Math.min(max, Math.max(min, flow.expire_after_minutes));
      }
      for (const node of nodesOf(flow)) {
        for (const c of (routerOf(node)?.categories as JSONObject[] | undefined) ?? []) if (c.name === '') c.name = 'Match';
      }
    },
  ],
  [
    '14.1.0',
    (flow) => {
      for (const node of nodesOf(flow)) {
        const router = routerOf(node);
        const webhook = actionsOf(node).find((a) => a.type === 'call_webhook' || a.type === 'call_resthook');
        if (router && webhook && typeof webhook.result_name === 'string') {
          const key = resultKeyOf(webhook.result_name);
          if (router.operand === `@results.${key}.category`) toStatusSplit(flow, router);
        }
        for (const action of actionsOf(node)) {
          if (action.type === 'send_msg' && Array.isArray(action.quick_replies) && action.quick_replies.length > 10) {
            action.quick_replies = action.quick_replies.slice(0, 10);
          }
        }
      }
    },
  ],
  [
    '14.2.0',
    (flow) => {
      for (const node of nodesOf(flow)) {
        for (const action of actionsOf(node)) {
          if (action.type === 'open_ticket' && 'body' in action) {
            const { body, ...rest } = action;
            for (const k of Object.keys(action)) delete action[k];
            Object.assign(action, rest, { note: body });
          }
        }
      }
      const localization = localizationOf(flow);
      for (const language of Object.keys(localization)) if (!/^[a-z]{3}$/.test(language)) delete localization[language];
    },
  ],
  [
    '14.3.0',
    (flow) => {
      const locals: Record<string, string> = { open_ticket: '_new_ticket', transfer_airtime: '_new_transfer' };
      for (const node of nodesOf(flow)) {
        const router = routerOf(node);
        for (const action of actionsOf(node)) {
          const local = locals[action.type as string];
          if (!local || typeof action.result_name !== 'string') continue;
          const resultName = action.result_name;
          delete action.result_name;
          if (!router || router.operand !== `@results.${resultKeyOf(resultName)}`) continue;
          router.operand = `@locals.${local}`;
          for (const c of casesOf(router)) {
            if (c.type === 'has_category') {
              c.type = 'has_text';
              c.arguments = [];
            }
          }
          router.result_name = resultName;
        }
      }
    },
  ],
  [
    '14.3.1',
    (flow) => {
      const joined = new Set(['has_any_word', 'has_all_words', 'has_phrase', 'has_only_phrase']);
      const localization = localizationOf(flow);
      for (const node of nodesOf(flow)) {
        for (const c of casesOf(routerOf(node) ?? {})) {
          if (!joined.has(c.type as string)) continue;
          if (Array.isArray(c.arguments) && c.arguments.length > 1) c.arguments = [c.arguments.join(' ')];
          for (const items of Object.values(localization)) {
            const translated = items[c.uuid as string];
            if (Array.isArray(translated?.arguments) && translated.arguments.length > 1) translated.arguments = [translated.arguments.join(' ')];
          }
        }
      }
    },
  ],
  [
    '14.4.0',
    (flow) => {
      for (const node of nodesOf(flow)) for (const action of actionsOf(node)) if (action.type === 'send_msg') delete action.all_urns;
    },
  ],
  [
    '14.4.1',
    (flow) => {
      for (const node of nodesOf(flow)) {
        const router = routerOf(node);
        const isWebhookNode = actionsOf(node).some((a) => a.type === 'call_webhook' || a.type === 'call_resthook');
        if (router && isWebhookNode && router.operand === '@webhook.json.status') toStatusSplit(flow, router);
      }
    },
  ],
  [
    '14.4.2',
    (flow) => {
      for (const node of nodesOf(flow)) {
        const router = routerOf(node);
        const isWebhookNode = actionsOf(node).some((a) => a.type === 'call_webhook' || a.type === 'call_resthook');
        if (router && isWebhookNode && router.operand === '@webhook.status') router.operand = '@(default(webhook.status, 0))';
      }
    },
  ],
];

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max).join('').trimEnd();
}

function resultKeyOf(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}

/** Webhook splits become a split on the HTTP status: 200–299 is Success. */
function toStatusSplit(flow: JSONObject, router: JSONObject): void {
  const cases = casesOf(router);
  const first = cases[0];
  router.operand = '@webhook.status';
  if (!first) return;
  const localization = localizationOf(flow);
  for (const c of cases) for (const items of Object.values(localization)) delete items[c.uuid as string];
  router.cases = [{ uuid: first.uuid, type: 'has_number_between', arguments: ['200', '299'], category_uuid: first.category_uuid }];
}

export class FlowMigrationError extends Error {}

/**
 * Migrates a definition to `target` (default: the current version). Returns
 * a copy; definitions newer than the engine are refused.
 */
export function migrateFlow(input: JSONObject, target: string = CURRENT_SPEC_VERSION): JSONObject {
  const flow = structuredClone(input);
  const version = typeof flow.spec_version === 'string' ? flow.spec_version : '';
  if (!/^\d+\.\d+(\.\d+)?$/.test(version)) throw new FlowMigrationError(`field 'spec_version' must be a version like 13.0.0, got '${version}'`);
  if (compareVersions(version, '13.0.0') < 0) throw new FlowMigrationError(`spec version ${version} is older than 13.0.0 and can't be read`);
  if (compareVersions(version, CURRENT_SPEC_VERSION) > 0) throw new FlowMigrationError(`spec version ${version} is newer than this engine supports (${CURRENT_SPEC_VERSION})`);
  for (const [to, migrate] of MIGRATIONS) {
    if (compareVersions(to, target) > 0) break;
    if (compareVersions(version, to) >= 0) continue;
    migrate(flow);
    flow.spec_version = to;
  }
  if (compareVersions(flow.spec_version as string, target) < 0) flow.spec_version = target;
  return flow;
}
