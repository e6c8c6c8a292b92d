// One sprint of a session: walks nodes — actions, then the router, then
// the chosen exit — until a run waits for the contact, every run ends, or a
// guard (steps per sprint, runs per session) stops a loop. Collects the
// sprint's events and segments; the session is changed in place.
import { DateTime } from 'luxon';
import { truncate, type ActionContext, type EventJSON } from './actions/action';
import type { SessionAssets } from './assets';
import { reevaluateSmartGroups } from './contact';
import { buildContext } from './context';
import type { Flow, FlowNode } from './definition/flow';
import { parseISODateTime } from './expressions/dates';
import { environmentFromJSON, type Environment } from './expressions/environment';
import type { Scope } from './expressions/evaluate';
import { evaluateTemplate, evaluateTemplateValue } from './expressions/template';
import { XDateTime, toJSONText, type XValue } from './expressions/values';
import { msgInput, type MsgJSON } from './inputs';
import type { EngineServices } from './ports';
import { routeRandom } from './routers/random';
import type { RouteDecision, Resumption, RouterContext } from './routers/router';
import { routeSwitch } from './routers/switch';
import { Run, resultKey, type FlowReference, type ResultJSON, type Session, type SessionJSON } from './session';

export const MAX_STEPS_PER_SPRINT = 100;
export const MAX_RUNS_PER_SESSION = 500;
const MAX_RESULT_VALUE = 640;

export interface Segment {
  flow_uuid: string;
  node_uuid: string;
  exit_uuid: string;
  destination_uuid: string;
  operand?: string;
  time: string;
}

export interface SprintResult {
  session: SessionJSON;
  events: EventJSON[];
  segments: Segment[];
}

/** Reads definitions (migrated and validated), cached by the engine. */
export interface FlowReader {
  readFlow(json: object): Flow;
}

export class SessionError extends Error {}

/** The work of one sprint: its events, segments and step count. */
export class Sprint {
  readonly events: EventJSON[] = [];
  readonly segments: Segment[] = [];
  private steps = 0;
  readonly env: Environment;

  constructor(
    private readonly flows: FlowReader,
    readonly session: Session,
    readonly assets: SessionAssets,
    readonly services: EngineServices,
  ) {
    const env = environmentFromJSON(session.json.environment, () => this.nowDateTime());
    // The contact's own time zone wins over the workspace's, as in goflow's merged environment.
    const timezone = session.contact.json.timezone;
    // Likewise the country of the contact's phone number.
    const defaultCountry = session.contact.country() ?? env.defaultCountry;
    this.env = { ...env, ...(timezone ? { timezone } : {}), defaultCountry, locations: assets.locations };
  }

  result(): SprintResult {
    return { session: this.session.toJSON(), events: this.events, segments: this.segments };
  }

  now(): string {
    return this.services.clock.now();
  }

  private nowDateTime(): XDateTime {
    return parseISODateTime(this.now()) ?? new XDateTime(DateTime.utc());
  }

  emit(type: string, payload: Record<string, unknown>): EventJSON {
    const event: EventJSON = { uuid: this.services.uuids.next(), type, created_on: this.now(), ...payload };
    this.events.push(event);
    return event;
  }

  receiveMsg(msg: MsgJSON, uuid?: string, createdOn?: string): void {
    // The channel reference is resolved against the assets, whose name wins.
    const channel = msg.channel ? this.assets.channel(msg.channel.uuid) : undefined;
    const resolved = channel ? { ...msg, channel: { uuid: channel.uuid, name: channel.name } } : msg;
    this.session.json.input = msgInput(resolved, uuid ?? msg.uuid ?? this.services.uuids.next(), createdOn ?? this.now());
    this.session.contact.json.last_seen_on = this.now();
  }

  startRun(flow: Flow, parent: Run | undefined, terminal = false, parentUuid = parent?.uuid): Run {
    const now = this.now();
    const flowRef: FlowReference = { uuid: flow.uuid, name: flow.name, ...(flow.revision !== undefined ? { revision: flow.revision } : {}) };
    const run = new Run({
      uuid: this.services.uuids.next(),
      flow: flowRef,
      status: 'active',
      path: [],
      ...(parent ? { parent_uuid: parent.uuid } : {}),
      created_on: now,
      modified_on: now,
      exited_on: null,
    });
    this.session.addRun(run);
    this.emit('run_started', {
      flow: flowRef,
      run_uuid: run.uuid,
      ...(parentUuid ? { parent_uuid: parentUuid } : {}),
      ...(terminal ? { terminal: true } : {}),
    });
    return run;
  }

  private endRun(run: Run, status: 'completed' | 'expired' | 'failed'): void {
    run.status = status;
    const now = this.now();
    run.json.exited_on = now;
    run.json.modified_on = now;
    this.emit('run_ended', { flow: run.flow, run_uuid: run.uuid, status });
  }

  /** The waiting run expires; its parent, if any, continues on @child.status. */
  async expire(run: Run, waitingAt: FlowNode): Promise<void> {
    this.endRun(run, 'expired');
    this.contactChanged();
    const parent = this.session.parentOf(run);
    if (parent?.isActive()) {
      const flow = this.flowOf(parent);
      await this.walk(parent, flow.node(parent.currentStep()?.node_uuid ?? ''), 'route', { kind: 'child' }, waitingAt);
    } else if (!this.session.runs.some((r) => r.isActive())) this.session.status = 'completed';
  }

  failAll(text: string): void {
    this.emit('failure', { text });
    for (const run of [...this.session.runs].reverse()) if (run.isActive()) this.endRun(run, 'failed');
    this.session.status = 'failed';
  }

  /**
   * Walks the flow from a node: 'enter' runs its actions first, 'route'
   * goes straight to its router (after a resume or a child run ending).
   */
  async walk(run: Run, startNode: FlowNode | undefined, startStage: 'enter' | 'route', startResumption: Resumption, resumedAt?: FlowNode): Promise<void> {
    let flow = this.flowOf(run);
    let node = startNode;
    let stage = startStage;
    let resumption = startResumption;
    // goflow records the segment leaving a parent's node (after a child run
    // ended) under the node the sprint was last at, so we track that node.
    let lastNode = resumedAt ?? startNode;
    for (;;) {
      if (!node) {
        // A flow without nodes, or an exit to nowhere: the run is done.
        const parent = this.finishRun(run);
        if (!parent) return;
        run = parent;
        flow = this.flowOf(run);
        node = flow.node(run.currentStep()?.node_uuid ?? '');
        stage = 'route';
        resumption = { kind: 'child' };
        continue;
      }
      if (stage === 'enter') {
        if (++this.steps > MAX_STEPS_PER_SPRINT) {
          this.failAll(`Reached maximum number of steps per sprint (${MAX_STEPS_PER_SPRINT})`);
          return;
        }
        lastNode = node;
        run.path.push({ uuid: this.services.uuids.next(), node_uuid: node.uuid, arrived_on: this.now() });
        let child: Run | undefined;
        for (const action of node.actions) {
          const ctx = this.actionContext(run, flow, node, (c) => (child = c));
          await action.type.execute(action.action, ctx);
          if (child || this.session.status === 'failed') break;
        }
        if (this.session.status === 'failed') return;
        if (child) {
          // The child runs now; the parent waits at this node's router (unless it was terminal).
          run = child;
          flow = this.flowOf(child);
          node = flow.nodes[0];
          stage = 'enter';
          resumption = undefined;
          continue;
        }
        if (node.router?.wait && !this.answersInitialWait(run)) {
          this.wait(run, flow, node);
          return;
        }
      }
      const decision = this.route(run, flow, node, resumption);
      if (resumption?.kind === 'msg' || resumption?.kind === 'timeout') this.contactChanged();
      resumption = undefined;
      const step = run.currentStep();
      if (step) step.exit_uuid = decision.exit.uuid;
      run.json.modified_on = this.now();
      const destination = decision.exit.destination_uuid ? flow.node(decision.exit.destination_uuid) : undefined;
      if (destination) {
        this.segments.push({
          flow_uuid: flow.uuid,
          node_uuid: (lastNode ?? node).uuid,
          exit_uuid: decision.exit.uuid,
          destination_uuid: destination.uuid,
          ...(decision.operand ? { operand: decision.operand } : {}),
          time: this.now(),
        });
      }
      node = destination;
      stage = 'enter';
    }
  }

  /**
   * A session started by a message does not wait at the first node of its
   * first run: that message is the answer.
   */
  private answersInitialWait(run: Run): boolean {
    return this.session.trigger.type === 'msg' && this.session.runs.length === 1 && run.path.length === 1;
  }

  /** Ends a run that left its last node; returns the parent to continue, if any. */
  private finishRun(run: Run): Run | undefined {
    this.endRun(run, 'completed');
    const parent = this.session.parentOf(run);
    if (parent && parent.isActive()) return parent;
    if (!this.session.runs.some((r) => r.isActive())) this.session.status = 'completed';
    return undefined;
  }

  private wait(run: Run, flow: Flow, node: FlowNode): void {
    const wait = node.router!.wait!;
    const expiresOn = addMinutes(this.now(), flow.expireAfterMinutes);
    const payload: Record<string, unknown> = { expires_on: expiresOn };
    if (wait.timeout) payload.timeout_seconds = wait.timeout.seconds;
    if (wait.hint) payload.hint = wait.hint;
    run.status = 'waiting';
    run.json.modified_on = this.now();
    for (const r of this.session.runs) if (r !== run && r.status === 'waiting') r.status = 'active';
    this.session.status = 'waiting';
    this.session.json.wait = {
      run_uuid: run.uuid,
      node_uuid: node.uuid,
      expires_on: expiresOn,
      ...(wait.timeout ? { timeout_on: addMinutes(this.now(), wait.timeout.seconds / 60) } : {}),
    };
    this.emit('msg_wait', payload);
  }

  private flowOf(run: Run): Flow {
    const json = this.assets.flow(run.flow.uuid);
    if (!json) throw new SessionError(`flow ${run.flow.uuid} is not in the assets`);
    return this.flows.readFlow(json);
  }

  /** The language texts are shown in: the contact's, when the flow is translated to it. */
  language(flow: Flow): string {
    const contactLanguage = this.session.contact.language;
    const allowed = this.env.allowedLanguages;
    if (contactLanguage && contactLanguage !== flow.language && flow.localization[contactLanguage] && (allowed.length === 0 || allowed.includes(contactLanguage))) {
      return contactLanguage;
    }
    return flow.language;
  }

  private scope(run: Run, flow: Flow, node: FlowNode | undefined): Scope {
    const language = this.language(flow);
    return {
      env: this.env,
      warnings: [],
      context: buildContext({
        session: this.session,
        run,
        nodeUuid: node?.uuid,
        assets: this.assets,
        env: this.env,
        localize: (result) => localizedCategory(this.flows, this.assets, result, run, language),
      }),
    };
  }

  private reportScope(scope: Scope, errors: { expression: string; message: string }[]): void {
    for (const warning of new Set(scope.warnings)) this.emit('warning', { text: warning, code: 'context:deprecated' });
    for (const e of errors) this.emit('error', { text: `Error evaluating expression: ${e.message}`, code: 'expression', extra: { expression: e.expression } });
  }

  evaluate(run: Run, flow: Flow, node: FlowNode | undefined, template: string): { text: string; failed: boolean } {
    const scope = this.scope(run, flow, node);
    const result = evaluateTemplate(template, scope);
    this.reportScope(scope, result.errors);
    return { text: result.text, failed: result.errors.length > 0 };
  }

  evaluateValue(run: Run, flow: Flow, node: FlowNode | undefined, template: string): XValue {
    const scope = this.scope(run, flow, node);
    const result = evaluateTemplateValue(template, scope);
    this.reportScope(scope, result.errors);
    return result.value;
  }

  private error(text: string, code?: string, extra?: Record<string, unknown>): void {
    this.emit('error', { text, ...(code ? { code } : {}), ...(extra ? { extra } : {}) });
  }

  contactChanged(): void {
    const changes = reevaluateSmartGroups(this.session.contact, this.assets, this.env);
    if (!changes.added.length && !changes.removed.length) return;
    this.emit('contact_groups_changed', {
      ...(changes.added.length ? { groups_added: changes.added } : {}),
      ...(changes.removed.length ? { groups_removed: changes.removed } : {}),
    });
  }

  saveResult(run: Run, flow: Flow, node: FlowNode, result: Omit<ResultJSON, 'created_on' | 'node_uuid'>): void {
    const key = resultKey(result.name);
    const previous = run.results[key];
    const saved: ResultJSON = { ...result, value: truncate(result.value, MAX_RESULT_VALUE), node_uuid: node.uuid, created_on: this.now() };
    if (!saved.input) delete saved.input;
    if (saved.extra === undefined) delete saved.extra;
    if (saved.category_localized === undefined || saved.category_localized === saved.category) delete saved.category_localized;
    run.results[key] = saved;
    run.json.modified_on = this.now();
    const event: Record<string, unknown> = { name: saved.name, value: saved.value, category: saved.category ?? '' };
    if (saved.extra !== undefined) event.extra = saved.extra;
    if (previous) event.previous = { value: previous.value, category: previous.category ?? '' };
    this.emit('run_result_changed', event);
  }

  private actionContext(run: Run, flow: Flow, node: FlowNode, onChild: (child: Run) => void): ActionContext {
    const language = this.language(flow);
    return {
      session: this.session,
      run,
      flow,
      node,
      assets: this.assets,
      env: this.env,
      services: this.services,
      language,
      now: () => this.now(),
      newUUID: () => this.services.uuids.next(),
      emit: (type, payload) => this.emit(type, payload),
      evaluate: (template) => this.evaluate(run, flow, node, template).text,
      evaluateStrict: (template) => {
        const r = this.evaluate(run, flow, node, template);
        return r.failed ? undefined : r.text;
      },
      localize: (itemUuid, property, base) => (language !== flow.language ? flow.translation(language, itemUuid, property) : undefined) ?? base,
      error: (text, code, extra) => this.error(text, code, extra),
      missingDependency: (type, ref) => {
        const identity = ref.uuid ?? ref.key ?? '';
        const idField = ref.uuid !== undefined ? `uuid=${ref.uuid}` : `key=${ref.key}`;
        this.error(`Missing dependency: ${type}[${idField},name=${ref.name ?? ''}]`, 'dependency:missing', { identity, type });
      },
      contactChanged: () => this.contactChanged(),
      saveResult: (name, value, category, input, extra) =>
        this.saveResult(run, flow, node, {
          name,
          value,
          category,
          category_localized: undefined,
          input,
          extra,
        }),
      visitCount: () => run.path.filter((s) => s.node_uuid === node.uuid).length,
      startChild: (child, terminal) => {
        if (this.session.runs.length >= MAX_RUNS_PER_SESSION) {
          this.failAll(`Reached maximum number of runs per session (${MAX_RUNS_PER_SESSION})`);
          return;
        }
        // A terminal child replaces every run still going.
        if (terminal) for (const r of this.session.runs) if (r.isActive()) this.endRun(r, 'completed');
        else run.status = 'active';
        onChild(this.startRun(child, run, terminal));
      },
      readFlow: (json) => this.flows.readFlow(json),
      fail: (text) => this.failAll(text),
    };
  }

  private route(run: Run, flow: Flow, node: FlowNode, resumption: Resumption): RouteDecision {
    const router = node.router;
    if (!router) {
      const exit = node.exits[0]!;
      return { category: { uuid: '', name: '', exit_uuid: exit.uuid }, exit, value: '' };
    }
    const language = this.language(flow);
    const ctx: RouterContext = {
      node,
      language,
      scope: () => this.scope(run, flow, node),
      evaluateValue: (template) => this.evaluateValue(run, flow, node, template),
      evaluate: (template) => this.evaluate(run, flow, node, template).text,
      localize: (itemUuid, property, base) => (language !== flow.language ? flow.translation(language, itemUuid, property) : undefined) ?? base,
      error: (text) => this.error(text),
      random: () => Math.random(),
    };
    const decision = router.type === 'random' ? routeRandom(router, ctx) : routeSwitch(router, ctx, resumption);
    if (router.result_name) {
      const localized = language !== flow.language ? flow.translation(language, decision.category.uuid, 'name')?.[0] : undefined;
      this.saveResult(run, flow, node, {
        name: router.result_name,
        value: decision.value,
        category: decision.category.name,
        category_localized: localized,
        input: decision.operand,
        extra: decision.extra === undefined ? undefined : toJSONExtra(decision.extra),
      });
    }
    return decision;
  }
}

function toJSONExtra(extra: unknown): unknown {
  if (extra && typeof extra === 'object' && 'kind' in extra) {
    const json = toJSONText(extra as XValue);
    return typeof json === 'string' ? JSON.parse(json) : undefined;
  }
  return extra;
}

function localizedCategory(flows: FlowReader, assets: SessionAssets, result: ResultJSON, run: Run, language: string): string | undefined {
  const json = assets.flow(run.flow.uuid);
  if (!json) return undefined;
  const flow = flows.readFlow(json);
  if (language === flow.language) return undefined;
  for (const node of flow.nodes) {
    const category = node.router?.categories.find((c) => c.name === result.category);
    if (category) return flow.translation(language, category.uuid, 'name')?.[0];
  }
  return undefined;
}

function addMinutes(timestamp: string, minutes: number): string {
  const base = parseISODateTime(timestamp);
  const dt = (base?.dt ?? DateTime.utc()).plus({ milliseconds: Math.round(minutes * 60_000) }).toUTC();
  return `${dt.toFormat("yyyy-MM-dd'T'HH:mm:ss")}.${String(dt.millisecond * 1000 + (base?.micros ?? 0)).padStart(6, '0')}Z`;
}

