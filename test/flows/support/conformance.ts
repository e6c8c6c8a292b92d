// The conformance harness: runs a goflow-style corpus (runner/, actions/,
// migrations/, triggers/, expressions/ — layout in the corpus README)
// against our engine. Generated UUIDs and times cannot match goflow's bytes,
// so both sides are normalized before comparing: UUIDs that are not in the
// inputs become <uuid#n> by order of first appearance, timestamps that are
// not in the inputs become <time>.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ActionReadError } from '#flows/actions/action';
import { ACTION_TYPES } from '#flows/actions/registry';
import { SessionAssets, type AssetsJSON } from '#flows/assets';
import type { ContactJSON } from '#flows/contact';
import { Contact, reevaluateSmartGroups } from '#flows/contact';
import { triggerContext } from '#flows/context';
import { migrateFlow } from '#flows/definition/migrations';
import type { FlowJSON } from '#flows/definition/types';
import { FlowEngine, type SprintResult } from '#flows/engine';
import { parseISODateTime } from '#flows/expressions/dates';
import { environmentFromJSON } from '#flows/expressions/environment';
import { evaluateTemplate } from '#flows/expressions/template';
import { toJSONText } from '#flows/expressions/values';
import type { SessionJSON } from '#flows/session';
import { readTrigger, TriggerReadError, type ResumeJSON, type TriggerJSON } from '#flows/triggers';
import { inMemoryServices } from './in-memory-services';
import { documentationScope } from './documentation-scope';

export const SECTIONS = ['runner', 'actions', 'migrations', 'triggers', 'expressions'] as const;
export type Section = (typeof SECTIONS)[number];

export interface CaseOutcome {
  section: Section;
  name: string;
  passed: boolean;
  /** The first difference, or the error that stopped the case. */
  detail?: string;
}

export interface ConformanceReport {
  directory: string;
  missing: boolean;
  outcomes: CaseOutcome[];
  passed: number;
  failed: number;
  bySection: Record<Section, { passed: number; failed: number }>;
}

// ------------------------------------------------------------ normalization

const UUID_IN_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A timestamp as a comparable instant with microseconds. */
function canonicalTime(text: string): string | undefined {
  if (!TIMESTAMP.test(text)) return undefined;
  const parsed = parseISODateTime(text);
  if (!parsed) return undefined;
  const utc = parsed.dt.toUTC();
  return `${utc.toFormat("yyyy-MM-dd'T'HH:mm:ss")}.${String(utc.millisecond * 1000 + parsed.micros).padStart(6, '0')}Z`;
}

export class InputFacts {
  readonly uuids = new Set<string>();
  readonly times = new Set<string>();

  add(value: unknown): this {
    walk(value, (s) => {
      for (const m of s.matchAll(UUID_IN_TEXT)) this.uuids.add(m[0].toLowerCase());
      const t = canonicalTime(s);
      if (t) this.times.add(t);
    });
    return this;
  }
}

function walk(value: unknown, visit: (s: string) => void): void {
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) value.forEach((v) => walk(v, visit));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => walk(v, visit));
}

export function normalize(value: unknown, facts: InputFacts): unknown {
  const numbering = new Map<string, string>();
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const t = canonicalTime(v);
      if (t) return facts.times.has(t) ? t : '<time>';
      return v.replace(UUID_IN_TEXT, (u) => {
        const lower = u.toLowerCase();
        if (facts.uuids.has(lower)) return lower;
        if (!numbering.has(lower)) numbering.set(lower, `<uuid#${numbering.size + 1}>`);
        return numbering.get(lower)!;
      });
    }
    if (Array.isArray(v)) return v.map(visit);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) out[visit(key) as string] = visit((v as Record<string, unknown>)[key]);
      return out;
    }
    return v;
  };
  return visit(value);
}

/** The first place two JSON values differ, as `path: expected X, got Y`. */
export function firstDifference(expected: unknown, actual: unknown, path = ''): string | undefined {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      if (i >= expected.length) return `${path}[${i}]: unexpected ${show(actual[i])}`;
      if (i >= actual.length) return `${path}[${i}]: missing ${show(expected[i])}`;
      const d = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (expected && actual && typeof expected === 'object' && typeof actual === 'object' && !Array.isArray(expected) && !Array.isArray(actual)) {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    for (const key of [...new Set([...Object.keys(e), ...Object.keys(a)])].sort()) {
      if (!(key in a)) return `${path}.${key}: missing ${show(e[key])}`;
      if (!(key in e)) return `${path}.${key}: unexpected ${show(a[key])}`;
      const d = firstDifference(e[key], a[key], `${path}.${key}`);
      if (d) return d;
    }
    return undefined;
  }
  return JSON.stringify(expected) === JSON.stringify(actual) ? undefined : `${path || '(value)'}: expected ${show(expected)}, got ${show(actual)}`;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 160 ? `${s.slice(0, 157)}...` : s;
}

function compare(expected: unknown, actual: unknown, facts: InputFacts): string | undefined {
  return firstDifference(normalize(expected, facts), normalize(actual, facts));
}

// ------------------------------------------------------------ sections

function readJSON<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function listJSON(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
}

async function guard(section: Section, name: string, body: () => Promise<string | undefined> | string | undefined): Promise<CaseOutcome> {
  try {
    const detail = await body();
    return detail === undefined ? { section, name, passed: true } : { section, name, passed: false, detail };
  } catch (e) {
    return { section, name, passed: false, detail: thrown(e) };
  }
}

/** A case that threw is a failure of that case (the engine must never throw), not the end of the run. */
function thrown(e: unknown): string {
  return `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
}

interface ProjectedRun {
  uuid: string;
  flow: { uuid: string };
  status: string;
  results?: Record<string, Record<string, unknown>>;
  path?: { node_uuid: string }[];
}

/**
 * What a runner output is compared on: events, segments, the session's
 * status and input, and per run its status, results and (where the
 * expected output lists it) the nodes of its path.
 */
function projectSprint(output: { events: unknown[]; segments: unknown[]; session: unknown }, pathsOf?: unknown): unknown {
  const session = output.session as { status: string; input?: unknown; runs: ProjectedRun[] };
  const expectedRuns = pathsOf as { runs: ProjectedRun[] } | undefined;
  return {
    events: output.events,
    segments: output.segments ?? [],
    session: {
      status: session.status,
      input: session.input ?? null,
      runs: session.runs.map((r, i) => ({
        uuid: r.uuid,
        flow: r.flow.uuid,
        status: r.status,
        results: r.results ?? {},
        ...(expectedRuns?.runs[i]?.path ? { path: (r.path ?? []).map((s) => s.node_uuid) } : {}),
      })),
    },
  };
}

function seedTickets(services: ReturnType<typeof inMemoryServices>, contact: ContactJSON): void {
  for (const t of contact.tickets ?? []) if ((t.status ?? 'open') === 'open') services.tickets.seedOpen(contact.uuid, t);
}

interface RunnerCase {
  environment: null | Record<string, unknown>;
  contact: ContactJSON;
  trigger: TriggerJSON;
  resumes: ResumeJSON[] | null;
  outputs: { events: unknown[]; segments: unknown[]; session: Record<string, unknown> }[];
}

async function runnerSection(dir: string): Promise<CaseOutcome[]> {
  const files = listJSON(dir);
  const assetFiles = files.filter((f) => f.split('.').length === 2);
  const outcomes: CaseOutcome[] = [];
  for (const assetFile of assetFiles) {
    const base = assetFile.replace(/\.json$/, '');
    const assetsJSON = readJSON<AssetsJSON>(join(dir, assetFile));
    for (const caseFile of files.filter((f) => f.startsWith(`${base}.`) && f !== assetFile)) {
      outcomes.push(
        await guard('runner', caseFile, async () => {
          const test = readJSON<RunnerCase>(join(dir, caseFile));
          const facts = new InputFacts().add(assetsJSON).add(test.contact).add(test.trigger).add(test.resumes).add(test.environment);
          const services = inMemoryServices();
          seedTickets(services, test.contact);
          const engine = new FlowEngine(services);
          const assets = new SessionAssets(assetsJSON);
          const sprints: SprintResult[] = [];
          let sprint = await engine.start({ assets, trigger: readTrigger(test.trigger), contact: test.contact, environment: test.environment });
          sprints.push(sprint);
          for (const resume of test.resumes ?? []) {
            // Sessions travel as JSON text between sprints.
            const stored = JSON.parse(JSON.stringify(sprint.session)) as SessionJSON;
            sprint = await engine.resume({ assets, session: stored, resume });
            sprints.push(sprint);
          }
          if (sprints.length !== test.outputs.length) return `expected ${test.outputs.length} sprints, got ${sprints.length}`;
          for (let i = 0; i < sprints.length; i++) {
            const expected = test.outputs[i]!;
            const d = compare(projectSprint(expected, expected.session), projectSprint(sprints[i]!, expected.session), facts);
            if (d) return `sprint ${i}: ${d}`;
          }
          return undefined;
        }),
      );
    }
  }
  return outcomes;
}

const ACTION_FLOW_UUID = 'bead76f5-dac4-4c9d-996c-c62b326e8c0a';

const DEFAULT_CONTACT: ContactJSON = {
  uuid: '5d76d86b-3bb9-4d5a-b822-c9d86f5d8e4f',
  name: 'Ryan Lewis',
  status: 'active',
  language: 'eng',
  timezone: 'America/Guayaquil',
  urns: ['tel:+12065551212?channel=57f1078f-88aa-46f4-a59a-948a5739c03d', 'twitterid:54784326227#nyaruka'],
  groups: [
    { uuid: 'b7cf0d83-f1c9-411c-96fd-c511a4cfa86d', name: 'Testers' },
    { uuid: '0ec97956-c451-48a0-a180-1ce766623e31', name: 'Males' },
  ],
  fields: { gender: { text: 'Male' } },
  created_on: '2018-06-20T11:40:30.123456789-00:00',
};

const triggeredOnUTC = '2017-12-31T13:35:10.035757Z';

const EXISTING_TICKET = {
  uuid: '7f44b065-ec28-4d7a-bbb4-0bda3b75b19d',
  status: 'open',
  topic: { uuid: '0d9a2c56-6fc2-4f27-93c5-a6322e26b740', name: 'General' },
};

interface ActionCase {
  description: string;
  action: Record<string, unknown> & { type: string };
  contact?: ContactJSON;
  has_ticket?: boolean;
  no_input?: boolean;
  as_batch?: boolean;
  localization?: Record<string, unknown>;
  read_error?: string;
  /** The mail server's error, when sending should fail. */
  smtp_error?: string;
  events?: unknown[];
  contact_after?: unknown;
  locals_after?: Record<string, string>;
}

/** The events an action produced: the sprint's, without the start and end of the tester's own run. */
function actionEvents(events: { type: string; run_uuid?: string }[], rootRunUuid: string | undefined): unknown[] {
  return events.filter((e) => !((e.type === 'run_started' || e.type === 'run_ended') && e.run_uuid === rootRunUuid));
}

async function actionsSection(dir: string): Promise<CaseOutcome[]> {
  const assetsPath = join(dir, '_assets.json');
  if (!existsSync(assetsPath)) return [];
  const baseAssets = readJSON<AssetsJSON>(assetsPath);
  const outcomes: CaseOutcome[] = [];
  for (const file of listJSON(dir).filter((f) => !f.startsWith('_'))) {
    const cases = readJSON<ActionCase[]>(join(dir, file));
    for (const [i, c] of cases.entries()) {
      outcomes.push(
        await guard('actions', `${file}#${i} ${c.description}`, async () => {
          const type = ACTION_TYPES.get(c.action.type);
          if (!type) return `unknown action type '${c.action.type}'`;
          try {
            type.read(c.action);
          } catch (e) {
            if (!(e instanceof ActionReadError)) throw e;
            return c.read_error === e.message ? undefined : `read error: expected ${show(c.read_error)}, got ${show(e.message)}`;
          }
          if (c.read_error) return `expected read error ${show(c.read_error)}, but the action was read`;

          const assetsJSON = structuredClone(baseAssets);
          const flow = assetsJSON.flows!.find((f) => f.uuid === ACTION_FLOW_UUID) as FlowJSON;
          flow.nodes[0]!.actions = [c.action as never];
          if (c.localization) flow.localization = c.localization as FlowJSON['localization'];
          const contact = structuredClone(c.contact ?? DEFAULT_CONTACT);
          // Localized cases run for a contact who reads the translation.
          if (c.localization && !c.contact) contact.language = Object.keys(c.localization)[0] ?? contact.language;
          if (c.has_ticket) {
            contact.tickets = [structuredClone(EXISTING_TICKET)];
            // A contact who has had a ticket open is already in the smart groups that depend on it.
            reevaluateSmartGroups(new Contact(contact), new SessionAssets(assetsJSON), environmentFromJSON(null, () => parseISODateTime(triggeredOnUTC)!));
          }

          const facts = new InputFacts().add(assetsJSON).add(c.action).add(contact).add(c.localization).add(EXISTING_TICKET);
          const services = inMemoryServices();
          seedTickets(services, contact);
          if (c.smtp_error) services.email.failWith(c.smtp_error);
          const engine = new FlowEngine(services);
          const flowRef = { uuid: flow.uuid, name: flow.name };
          const triggeredOn = '2017-12-31T11:35:10.035757258-02:00';
          const batch = c.as_batch === true;
          const trigger: TriggerJSON =
            c.no_input || batch
              ? { type: 'manual', flow: flowRef, triggered_on: triggeredOn, batch }
              : {
                  type: 'msg',
                  flow: flowRef,
                  triggered_on: triggeredOn,
                  msg: {
                    uuid: '9bf91c2b-ce58-4cef-aacc-281e03f69ab5',
                    urn: 'tel:+12065551212',
                    channel: { uuid: '57f1078f-88aa-46f4-a59a-948a5739c03d', name: 'My Android Phone' },
                    text: 'Hi everybody',
                    attachments: ['image/jpeg:http://s3.amazon.com/bucket/test.jpg', 'audio/mp3:http://s3.amazon.com/bucket/test.mp3'],
                  },
                };
          facts.add(trigger);
          const sprint = await engine.start({
            assets: new SessionAssets(assetsJSON),
            trigger,
            contact,
            environment: { allowed_languages: ['eng', 'spa'], default_country: 'RW' },
          });
          const d = compare(c.events ?? [], actionEvents(sprint.events, sprint.session.runs[0]?.uuid), facts);
          if (d) return `events${d}`;
          if (c.contact_after !== undefined) {
            const dc = compare(c.contact_after, sprint.session.contact, facts);
            if (dc) return `contact_after${dc}`;
          }
          if (c.locals_after !== undefined) {
            const dl = compare(c.locals_after, sprint.session.runs[0]?.locals ?? {}, facts);
            if (dl) return `locals_after${dl}`;
          }
          return undefined;
        }),
      );
    }
  }
  return outcomes;
}

async function migrationsSection(dir: string): Promise<CaseOutcome[]> {
  const outcomes: CaseOutcome[] = [];
  for (const file of listJSON(dir)) {
    const version = file.replace(/\.json$/, '');
    const cases = readJSON<{ description: string; original: Record<string, unknown>; migrated: unknown }[]>(join(dir, file));
    for (const [i, c] of cases.entries()) {
      outcomes.push(
        await guard('migrations', `${file}#${i} ${c.description}`, () => {
          const facts = new InputFacts().add(c.original);
          return compare(c.migrated, migrateFlow(c.original, version), facts);
        }),
      );
    }
  }
  return outcomes;
}

async function triggersSection(dir: string): Promise<CaseOutcome[]> {
  const outcomes: CaseOutcome[] = [];
  const assetsPath = join(dir, '_assets.json');
  const assets = new SessionAssets(existsSync(assetsPath) ? readJSON<AssetsJSON>(assetsPath) : {});
  for (const file of listJSON(dir).filter((f) => !f.startsWith('_'))) {
    const cases = readJSON<{ description: string; trigger: unknown; read_error?: string; context?: unknown }[]>(join(dir, file));
    for (const [i, c] of cases.entries()) {
      outcomes.push(
        await guard('triggers', `${file}#${i} ${c.description}`, () => {
          let trigger: TriggerJSON;
          try {
            trigger = readTrigger(c.trigger);
          } catch (e) {
            if (!(e instanceof TriggerReadError)) throw e;
            return c.read_error === e.message ? undefined : `read error: expected ${show(c.read_error)}, got ${show(e.message)}`;
          }
          if (c.read_error) return `expected read error ${show(c.read_error)}, but the trigger was read`;
          const context = JSON.parse(toJSONText(triggerContext(trigger, assets)) as string);
          return compare(c.context, context, new InputFacts().add(c.trigger));
        }),
      );
    }
  }
  return outcomes;
}

interface ExpressionExample {
  kind: string;
  name?: string;
  template: string;
  expected: string;
}

async function expressionsSection(dir: string): Promise<CaseOutcome[]> {
  const path = join(dir, 'examples.json');
  if (!existsSync(path)) return [];
  const { examples } = readJSON<{ examples: ExpressionExample[] }>(path);
  return examples.map((e, i) => {
    const expected = e.expected.replace(/\\x20/g, ' ');
    const name = `examples.json#${i} ${e.template}`;
    try {
      const result = evaluateTemplate(e.template, documentationScope());
      const actual = result.errors.length ? 'ERROR' : result.text;
      return actual === expected
        ? { section: 'expressions' as const, name, passed: true }
        : { section: 'expressions' as const, name, passed: false, detail: `expected ${show(expected)}, got ${show(actual)}${result.errors.length ? ` (${result.errors[0]!.message})` : ''}` };
    } catch (error) {
      return { section: 'expressions' as const, name, passed: false, detail: thrown(error) };
    }
  });
}

const RUNNERS: Record<Section, (dir: string) => Promise<CaseOutcome[]>> = {
  runner: runnerSection,
  actions: actionsSection,
  migrations: migrationsSection,
  triggers: triggersSection,
  expressions: expressionsSection,
};

export async function runConformance(directory: string): Promise<ConformanceReport> {
  const bySection = Object.fromEntries(SECTIONS.map((s) => [s, { passed: 0, failed: 0 }])) as ConformanceReport['bySection'];
  if (!existsSync(directory)) return { directory, missing: true, outcomes: [], passed: 0, failed: 0, bySection };
  const outcomes: CaseOutcome[] = [];
  for (const section of SECTIONS) {
    try {
      outcomes.push(...(await RUNNERS[section](join(directory, section))));
    } catch (e) {
      // Reading the section itself failed (e.g. its assets): one failure, and the other sections still run.
      outcomes.push({ section, name: '(section)', passed: false, detail: thrown(e) });
    }
  }
  for (const o of outcomes) bySection[o.section][o.passed ? 'passed' : 'failed'] += 1;
  const passed = outcomes.filter((o) => o.passed).length;
  return { directory, missing: false, outcomes, passed, failed: outcomes.length - passed, bySection };
}

/** The report as printed by `npm run conformance`. */
export function formatReport(report: ConformanceReport): string {
  // An absent corpus proves nothing: it is reported as skipped, never as passing.
  if (report.missing) return `conformance corpus not found: ${report.directory}\nSKIPPED (0 cases run)`;
  const lines = report.outcomes.filter((o) => !o.passed).map((o) => `FAIL ${o.section}/${o.name}: ${o.detail ?? ''}`);
  for (const section of SECTIONS) {
    const s = report.bySection[section];
    lines.push(`${section}: ${s.passed} passed, ${s.failed} failed`);
  }
  lines.push(`${report.passed} passed, ${report.failed} failed`);
  return lines.join('\n');
}
