// HttpContacts: read and upsert a contact.
import { createHttpHandler, type HttpHandlerOptions } from '#http/handler';
import { ok } from '#http/response';
import { contactRoutes } from '#http/routes/contacts';
import { wireHttpContacts, type HttpContactsUseCases } from '#wiring/http-contacts';

export function createContactsHandler(useCases: HttpContactsUseCases, options: HttpHandlerOptions) {
  return createHttpHandler('resource', contactRoutes, {
    getContact: async ({ actor, params }) => ok(await useCases.getContact({ actor, contact: params.contact })),
    putContact: async ({ actor, params, body }) =>
      ok(await useCases.upsertContact({ actor, contact: { ...body, uuid: params.contact } })),
  }, options);
}

const { useCases, admission } = wireHttpContacts();
export const handler = createContactsHandler(useCases, admission);
