// Triggers start sessions (manual, msg, ticket); resumes continue them
// (msg, wait_timeout, wait_expiration). Reading validates the shape and
// reports every missing field at once, in goflow's wording.
import type { FlowReference, ResultJSON } from './session';
import type { MsgJSON } from './inputs';
import type { TicketJSON } from './ports';
import type { ContactJSON } from './contact';
import type { EnvironmentJSON } from './expressions/environment';

export interface TriggerJSON {
  type: 'manual' | 'msg' | 'ticket' | string;
  flow: FlowReference;
  triggered_on: string;
  contact?: ContactJSON;
  environment?: EnvironmentJSON;
  params?: Record<string, unknown>;
  batch?: boolean;
  /** msg triggers */
  msg?: MsgJSON & { uuid?: string };
  keyword_match?: { type?: string; keyword: string };
  /** ticket triggers */
  /** The event behind the trigger: msg_received (with `msg`) or ticket_closed. */
  event?: { type: string; uuid?: string; created_on?: string; ticket_uuid?: string; msg?: MsgJSON };
  ticket?: TicketJSON;
  user?: { email?: string; name?: string; uuid?: string };
  /** flow_action triggers: the run (of another session) whose action started this one */
  run_summary?: RunSummaryJSON;
  origin?: string;
  [key: string]: unknown;
}

export interface RunSummaryJSON {
  uuid: string;
  flow: FlowReference;
  contact: ContactJSON;
  status: string;
  results?: Record<string, ResultJSON>;
}

export interface ResumeJSON {
  type: 'msg' | 'wait_timeout' | 'wait_expiration' | string;
  resumed_on: string;
  event?: { type: string; uuid?: string; created_on?: string; msg?: MsgJSON };
  msg?: MsgJSON;
  contact?: ContactJSON;
  environment?: EnvironmentJSON;
}

export class TriggerReadError extends Error {}

const REQUIRED: Record<string, string[]> = {
  manual: ['flow'],
  msg: ['flow'],
  ticket: ['flow', 'ticket'],
  flow_action: ['flow', 'run_summary'],
};

export function readTrigger(json: unknown): TriggerJSON {
  if (typeof json !== 'object' || json === null) throw new TriggerReadError('trigger must be an object');
  const t = json as TriggerJSON;
  const required = Object.hasOwn(REQUIRED, t.type) ? REQUIRED[t.type] : undefined;
  if (!required) throw new TriggerReadError(`unknown trigger type '${String(t.type)}'`);
  const missing = required.filter((field) => (t as Record<string, unknown>)[field] === undefined || (t as Record<string, unknown>)[field] === null);
  if (t.keyword_match && !t.keyword_match.type) missing.push('keyword_match.type');
  if (missing.length) throw new TriggerReadError(missing.map((f) => `field '${f}' is required`).join(', '));
  return t;
}

export function readResume(json: unknown): ResumeJSON {
  if (typeof json !== 'object' || json === null) throw new TriggerReadError('resume must be an object');
  const r = json as ResumeJSON;
  if (!['msg', 'wait_timeout', 'wait_expiration'].includes(r.type)) throw new TriggerReadError(`unknown resume type '${String(r.type)}'`);
  if (r.type === 'msg' && !r.msg && !r.event?.msg) throw new TriggerReadError("field 'msg' is required");
  return r;
}
