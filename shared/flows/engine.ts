// The flow engine: starts sessions from triggers and resumes them, one
// sprint at a time (see sprint.ts for the walk itself). Each call returns
// the events of the sprint, the segments walked, and the session as JSON to
// keep until the next sprint.
import type { SessionAssets } from './assets';
import type { ContactJSON } from './contact';
import { readFlow, type Flow } from './definition/flow';
import type { EnvironmentJSON } from './expressions/environment';
import type { EngineServices } from './ports';
import { Session, type SessionJSON } from './session';
import { SessionError, Sprint, type FlowReader, type SprintResult } from './sprint';
import { readResume, readTrigger, type ResumeJSON, type TriggerJSON } from './triggers';

export { MAX_RUNS_PER_SESSION, MAX_STEPS_PER_SPRINT, SessionError, type FlowReader, type Segment, type SprintResult } from './sprint';

export interface StartRequest {
  assets: SessionAssets;
  trigger: TriggerJSON;
  contact: ContactJSON;
  environment?: EnvironmentJSON | null;
  /** The new session's uuid, when the caller must keep it across attempts of one start (default: a new one). */
  sessionUuid?: string;
}

export interface ResumeRequest {
  assets: SessionAssets;
  session: SessionJSON;
  resume: ResumeJSON;
}

/**
 * Reads (migrates and validates) a definition once per definition object.
 * One reader can serve many engines: the flow service keeps one per container
 * while an engine lives for one sprint.
 */
export class CachingFlowReader implements FlowReader {
  private readonly flows = new WeakMap<object, Flow>();

  readFlow(json: object): Flow {
    let flow = this.flows.get(json);
    if (!flow) {
      flow = readFlow(json);
      this.flows.set(json, flow);
    }
    return flow;
  }
}

export class FlowEngine {
  /** `reader` reads the definitions of the assets; by default a cache of this engine's own. */
  constructor(
    private readonly services: EngineServices,
    private readonly reader: FlowReader = new CachingFlowReader(),
  ) {}

  async start(request: StartRequest): Promise<SprintResult> {
    const { assets } = request;
    const trigger = readTrigger(request.trigger);
    const flowJSON = assets.flow(trigger.flow.uuid);
    if (!flowJSON) throw new SessionError(`flow ${trigger.flow.uuid} is not in the assets`);
    const flow = this.readFlow(flowJSON);
    const now = this.services.clock.now();
    const session = new Session({
      uuid: request.sessionUuid ?? this.services.uuids.next(),
      type: flow.type,
      environment: request.environment ?? null,
      trigger,
      contact: structuredClone(request.contact),
      contact_uuid: request.contact.uuid,
      runs: [],
      status: 'active',
      sprints: 1,
      batch_start: trigger.batch === true,
      created_on: now,
    });
    const sprint = new Sprint(this.reader, session, assets, this.services);
    // A contact may arrive with stale smart group memberships.
    sprint.contactChanged();
    const msg = trigger.msg ?? trigger.event?.msg;
    if (trigger.type === 'msg' && msg) sprint.receiveMsg(msg, trigger.event?.uuid ?? msg.uuid, trigger.event?.created_on);
    const run = sprint.startRun(flow, undefined, false, trigger.run_summary?.uuid);
    if (session.input) run.json.had_input = true;
    await sprint.walk(run, flow.nodes[0], 'enter', undefined);
    return sprint.result();
  }

  async resume(request: ResumeRequest): Promise<SprintResult> {
    const session = Session.fromJSON(request.session);
    if (session.status !== 'waiting') throw new SessionError(`can't resume a session with status ${session.status}`);
    session.json.sprints += 1;
    const sprint = new Sprint(this.reader, session, request.assets, this.services);
    const run = session.activeRun();
    const wait = session.json.wait;
    if (!run || !wait) throw new SessionError('session has no waiting run');
    const flow = this.readFlow(request.assets.flow(run.flow.uuid) ?? fail(`flow ${run.flow.uuid} is not in the assets`));
    const node = flow.node(wait.node_uuid) ?? fail(`node ${wait.node_uuid} is not in flow ${flow.uuid}`);
    delete session.json.wait;

    const resume = readResume(request.resume);
    if (resume.type === 'wait_expiration') {
      await sprint.expire(run, node);
      return sprint.result();
    }
    if (resume.type === 'msg') {
      const msg = resume.msg ?? resume.event?.msg ?? fail('msg resume without msg');
      sprint.receiveMsg(msg, resume.event?.uuid, resume.event?.created_on);
      run.json.had_input = true;
      run.status = 'active';
      await sprint.walk(run, node, 'route', { kind: 'msg' });
    } else if (resume.type === 'wait_timeout') {
      if (!node.router?.wait?.timeout) throw new SessionError('the waiting node has no timeout');
      run.status = 'active';
      await sprint.walk(run, node, 'route', { kind: 'timeout' });
    } else throw new SessionError(`unknown resume type ${resume.type}`);
    return sprint.result();
  }

  private readFlow(json: object): Flow {
    return this.reader.readFlow(json);
  }
}

function fail(message: string): never {
  throw new SessionError(message);
}
