// Sessions and runs: the state a flow leaves between sprints. Everything
// here serializes to JSON (goflow's field names) and reads back, so a
// session can be stored after one sprint and resumed in another process.
import { Contact, type ContactJSON } from './contact';
import type { EnvironmentJSON } from './expressions/environment';
import type { Reference } from './definition/types';
import type { TriggerJSON } from './triggers';
import type { MsgInputJSON } from './inputs';

export type RunStatus = 'active' | 'waiting' | 'completed' | 'expired' | 'interrupted' | 'failed';
export type SessionStatus = 'active' | 'waiting' | 'completed' | 'interrupted' | 'failed';

export interface FlowReference extends Reference {
  revision?: number;
}

export interface StepJSON {
  uuid: string;
  node_uuid: string;
  exit_uuid?: string;
  arrived_on: string;
}

export interface ResultJSON {
  name: string;
  value: string;
  category?: string;
  category_localized?: string;
  node_uuid: string;
  input?: string;
  extra?: unknown;
  created_on: string;
}

export interface RunJSON {
  uuid: string;
  flow: FlowReference;
  status: RunStatus;
  path: StepJSON[];
  results?: Record<string, ResultJSON>;
  locals?: Record<string, string>;
  parent_uuid?: string;
  had_input?: boolean;
  created_on: string;
  modified_on: string;
  exited_on: string | null;
}

export interface WaitStateJSON {
  run_uuid: string;
  node_uuid: string;
  expires_on?: string;
  timeout_on?: string;
}

export interface SessionJSON {
  uuid: string;
  type: string;
  environment?: EnvironmentJSON | null;
  trigger: TriggerJSON;
  contact: ContactJSON;
  contact_uuid: string;
  runs: RunJSON[];
  status: SessionStatus;
  wait?: WaitStateJSON;
  input?: MsgInputJSON;
  sprints: number;
  batch_start?: boolean;
  created_on: string;
}

/** goflow's result key: the name lowercased with non-word runs as `_`. */
export function resultKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}

export class Run {
  constructor(public json: RunJSON) {
    json.results ??= {};
    json.locals ??= {};
  }

  get uuid(): string {
    return this.json.uuid;
  }
  get status(): RunStatus {
    return this.json.status;
  }
  set status(status: RunStatus) {
    this.json.status = status;
  }
  get flow(): FlowReference {
    return this.json.flow;
  }
  get path(): StepJSON[] {
    return this.json.path;
  }
  get results(): Record<string, ResultJSON> {
    return this.json.results ?? {};
  }
  get locals(): Record<string, string> {
    return this.json.locals ?? {};
  }
  get parentUuid(): string | undefined {
    return this.json.parent_uuid;
  }

  currentStep(): StepJSON | undefined {
    return this.json.path[this.json.path.length - 1];
  }

  isActive(): boolean {
    return this.status === 'active' || this.status === 'waiting';
  }

  toJSON(): RunJSON {
    return this.json;
  }
}

export class Session {
  readonly contact: Contact;
  readonly runs: Run[];

  constructor(public json: SessionJSON) {
    this.contact = new Contact(json.contact);
    this.runs = json.runs.map((r) => new Run(r));
  }

  get uuid(): string {
    return this.json.uuid;
  }
  get status(): SessionStatus {
    return this.json.status;
  }
  set status(status: SessionStatus) {
    this.json.status = status;
  }
  get trigger(): TriggerJSON {
    return this.json.trigger;
  }
  get input(): MsgInputJSON | undefined {
    return this.json.input;
  }

  addRun(run: Run): void {
    this.runs.push(run);
  }

  run(uuid: string): Run | undefined {
    return this.runs.find((r) => r.uuid === uuid);
  }

  parentOf(run: Run): Run | undefined {
    return run.parentUuid ? this.run(run.parentUuid) : undefined;
  }

  childOf(run: Run): Run | undefined {
    return [...this.runs].reverse().find((r) => r.parentUuid === run.uuid);
  }

  /** The innermost run still going, where a resume continues. */
  activeRun(): Run | undefined {
    return [...this.runs].reverse().find((r) => r.isActive());
  }

  toJSON(): SessionJSON {
    return {
      ...this.json,
      contact: this.contact.toJSON(),
      contact_uuid: this.contact.uuid,
      runs: this.runs.map((r) => r.toJSON()),
    };
  }

  /** A deep copy through JSON, as sessions travel between sprints. */
  static fromJSON(json: SessionJSON): Session {
    return new Session(structuredClone(json));
  }
}
