// Every action type the engine runs, by its `type`. A definition naming a
// type missing here is refused when it is read, never at run time.
import type { ActionType } from './action';
import { addContactGroups } from './add_contact_groups';
import { addContactUrn } from './add_contact_urn';
import { enterFlow } from './enter_flow';
import { openTicket } from './open_ticket';
import { removeContactGroups } from './remove_contact_groups';
import { sendEmail } from './send_email';
import { sendMsg } from './send_msg';
import { setContactChannel } from './set_contact_channel';
import { setContactField } from './set_contact_field';
import { setContactLanguage } from './set_contact_language';
import { setContactName } from './set_contact_name';
import { setContactStatus } from './set_contact_status';
import { setContactTimezone } from './set_contact_timezone';
import { setRunLocal } from './set_run_local';
import { setRunResult } from './set_run_result';

const TYPES: ActionType<never>[] = [
  sendMsg,
  sendEmail,
  setRunResult,
  setRunLocal,
  setContactField,
  setContactName,
  setContactLanguage,
  setContactStatus,
  setContactTimezone,
  setContactChannel,
  addContactUrn,
  addContactGroups,
  removeContactGroups,
  openTicket,
  enterFlow,
] as unknown as ActionType<never>[];

export const ACTION_TYPES: ReadonlyMap<string, ActionType<unknown>> = new Map(TYPES.map((t) => [t.type, t as ActionType<unknown>]));
