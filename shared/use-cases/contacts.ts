import { upsertContact, type Contact, type ContactInput } from '#domain/contact';
import { NotFoundError } from '#domain/errors';
import type { Actor, UseCaseContext } from './context';
import { retryOnStaleWrite } from './retry';
import { contactView, type ContactView } from './views';

/** Creates or updates a contact (domain `upsertContact`), re-reading on a lost race; the contact as stored. */
export async function saveContactInput(context: UseCaseContext, workspace: string, input: ContactInput): Promise<Contact> {
  return retryOnStaleWrite(async () => {
    const stored = await context.repos.contacts.get(workspace, input.uuid, { consistent: true });
    const { contact, changed } = upsertContact(stored, workspace, input, context.now());
    if (!changed) return contact;
    const saved = { ...contact, version: contact.version + 1 };
    await context.repos.contacts.save(saved);
    return saved;
  });
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
