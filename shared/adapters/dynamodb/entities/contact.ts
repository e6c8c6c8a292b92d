// A contact (`WS#w#CONTACT#c` / `CONTACT`) and its URN guards
// (`WS#w#URN#<urn>` / `URN`): the way from a URN to its contact, one contact
// per URN. The contact's partition also holds its flow session
// (flow-session.ts) and messages (message.ts).
import type { Contact } from '#domain/contact';
import { str, strOrNull, type StoredItem } from '../attributes';
import { ITEM_TYPE, workspacePk, type TableKey } from '../keys';
import type { Item } from '../table-client';

export const contactKeys = {
  /** The contact's partition: the contact item, its flow session and its messages. */
  partition: (workspace: string, contact: string) => `${workspacePk(workspace)}#CONTACT#${contact}`,
  contact: (workspace: string, contact: string): TableKey => ({ pk: contactKeys.partition(workspace, contact), sk: 'CONTACT' }),
  /** The way from a URN (normalized) to its contact, written with the contact: one contact per URN. */
  urn: (workspace: string, urn: string): TableKey => ({ pk: `${workspacePk(workspace)}#URN#${urn}`, sk: 'URN' }),
};

/** `open_ticket` is absent rather than null when free: the open-ticket invariant is the condition attribute_not_exists(open_ticket). */
export type ContactItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.contact; open_ticket?: string } & Omit<Contact, 'open_ticket'>>;
export type ContactUrnItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.contactUrn; workspace: string; urn: string; contact_uuid: string }>;

export function toContactItem(contact: Contact): ContactItem {
  const { open_ticket, ...rest } = contact;
  return { ...contactKeys.contact(contact.workspace, contact.uuid), type: ITEM_TYPE.contact, ...rest, ...(open_ticket ? { open_ticket } : {}) };
}

export function fromContactItem(item: Item): Contact {
  return {
    workspace: str(item, 'workspace'),
    uuid: str(item, 'uuid'),
    name: strOrNull(item, 'name'),
    language: strOrNull(item, 'language'),
    urns: (item.urns as string[] | undefined) ?? [],
    fields: (item.fields as Record<string, string | null> | undefined) ?? {},
    open_ticket: strOrNull(item, 'open_ticket'),
    // Contacts stored before statuses and channels existed read as active, with no channel.
    status: (item.status as Contact['status'] | undefined) ?? 'active',
    last_channel: (item.last_channel as Contact['last_channel'] | undefined) ?? null,
    created_on: str(item, 'created_on'),
    modified_on: str(item, 'modified_on'),
    version: Number(item.version ?? 0),
  };
}

export function toContactUrnItem(contact: Pick<Contact, 'workspace' | 'uuid'>, urn: string): ContactUrnItem {
  return { ...contactKeys.urn(contact.workspace, urn), type: ITEM_TYPE.contactUrn, workspace: contact.workspace, urn, contact_uuid: contact.uuid };
}

/** The contact a URN guard points to. */
export function fromContactUrnItem(item: Item): string {
  return str(item, 'contact_uuid');
}
