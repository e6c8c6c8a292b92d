// A contact's current flow session (at most one waits), beside the contact
// item in the contact's partition (`WS#w#CONTACT#c` / `FLOWSESSION`), so one
// sprint's writes (session, messages, contact) form one transaction on one
// partition.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { StoredSession } from '#use-cases/flow-ports';
import type { StoredItem } from '../attributes';
import { ITEM_TYPE, type TableKey } from '../keys';
import type { Item } from '../table-client';
import { contactKeys } from './contact';

export const flowSessionKeys = {
  session: (workspace: string, contact: string): TableKey => ({ pk: contactKeys.partition(workspace, contact), sk: 'FLOWSESSION' }),
};

/**
 * Sessions are stored gzipped (`session_gz`): their JSON (runs, paths,
 * results, the contact) compresses several times over, and write units are per KB.
 */
export type FlowSessionItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.flowSession; session_gz: Buffer } & Omit<StoredSession, 'session'>>;

export function toFlowSessionItem(session: StoredSession): FlowSessionItem {
  const { session: json, ...rest } = session;
  return {
    ...flowSessionKeys.session(session.workspace, session.contact),
    type: ITEM_TYPE.flowSession,
    ...rest,
    session_gz: gzipSync(JSON.stringify(json)),
  };
}

export function fromFlowSessionItem(item: Item): StoredSession {
  return {
    workspace: String(item.workspace),
    contact: String(item.contact),
    uuid: String(item.uuid),
    status: String(item.status),
    flow: item.flow as StoredSession['flow'],
    session: JSON.parse(gunzipSync(item.session_gz as Uint8Array).toString('utf8')),
    expires_on: (item.expires_on as string | null | undefined) ?? null,
    timeout_on: (item.timeout_on as string | null | undefined) ?? null,
    modified_on: String(item.modified_on),
    version: Number(item.version),
  };
}
