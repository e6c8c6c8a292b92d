// Incoming messages: the `msg` of a msg trigger or resume, and the session
// input `@input` reads.
import type { Reference } from './definition/types';

export interface MsgJSON {
  uuid?: string;
  urn?: string;
  channel?: Reference;
  text?: string;
  attachments?: string[];
  external_id?: string;
}

export interface MsgInputJSON {
  type: 'msg';
  uuid: string;
  created_on: string;
  urn?: string;
  channel?: Reference;
  text: string;
  attachments?: string[];
  external_id?: string;
}

export function msgInput(msg: MsgJSON, uuid: string, createdOn: string): MsgInputJSON {
  const input: MsgInputJSON = { type: 'msg', uuid, created_on: createdOn, text: msg.text ?? '' };
  if (msg.urn) input.urn = msg.urn;
  if (msg.channel) input.channel = msg.channel;
  if (msg.attachments?.length) input.attachments = msg.attachments;
  if (msg.external_id) input.external_id = msg.external_id;
  return input;
}
