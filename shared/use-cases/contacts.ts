import { upsertContact, type Contact, type ContactInput } from '#domain/contact';
import { NotFoundError } from '#domain/errors';
import type { Actor, UseCaseContext } from './context';
import { retryOnStaleWrite } from './retry';
import { contactView, type ContactView } from './views';

/** Creates or updates a contact (domain `upsertContact`), re-reading on a lost race; the contact as stored. */
export async function saveContactInput(context: UseCaseContext, workspace: string, input: ContactInput): Promise<Contact> {
  let added: string[] = [];
  const saved = await retryOnStaleWrite(async () => {
    const stored = await context.repos.contacts.get(workspace, input.uuid, { consistent: true });
    const { contact, changed } = upsertContact(stored, workspace, input, context.now());
    added = contact.urns.filter((urn) => !stored?.urns.includes(urn));
    if (!changed) return contact;
    const next = { ...contact, version: contact.version + 1 };
    await context.repos.contacts.save(next);
    return next;
  });
  // URNs new to the contact lead channel messages to it, unless another contact holds them already.
  if (added.length) await context.repos.conversations.claimFreeUrns({ ...saved, urns: added });
  return saved;
}

export function createContactUseCases(context: UseCaseContext) {
  const { repos } = context;
  return {
    async upsertContact({ actor, contact: input }: { actor: Actor; contact: ContactInput }): Promise<ContactView> {
      await context.directory(actor.workspace);
      return contactView(await saveContactInput(context, actor.workspace, input));
    },

    async getContact({ actor, contact }: { actor: Actor; contact: string }): Promise<ContactView> {
      const found = await repos.contacts.get(actor.workspace, contact);
      if (!found) throw new NotFoundError('contact_not_found', 'No such contact.');
      return contactView(found);
    },
  };
}
