import { upsertContact, type ContactInput } from '#domain/contact';
import { NotFoundError } from '#domain/errors';
import type { Actor, UseCaseContext } from './context';
import { retryOnStaleWrite } from './retry';
import { contactView, type ContactView } from './views';

export function createContactUseCases(context: UseCaseContext) {
  const { repos } = context;
  return {
    async upsertContact({ actor, contact: input }: { actor: Actor; contact: ContactInput }): Promise<ContactView> {
      await context.directory(actor.workspace);
      return retryOnStaleWrite(async () => {
        const stored = await repos.contacts.get(actor.workspace, input.uuid, { consistent: true });
        const { contact, changed } = upsertContact(stored, actor.workspace, input, context.now());
        if (!changed) return contactView(contact);
        const saved = { ...contact, version: contact.version + 1 };
        await repos.contacts.save(saved);
        return contactView(saved);
      });
    },

    async getContact({ actor, contact }: { actor: Actor; contact: string }): Promise<ContactView> {
      const found = await repos.contacts.get(actor.workspace, contact);
      if (!found) throw new NotFoundError('contact_not_found', 'No such contact.');
      return contactView(found);
    },
  };
}
