// HttpContacts: read and upsert a contact.
import { useCases } from '#composition';
import { workspaceRateLimit } from '#http/admission';
import { createHttpHandler } from '#http/handler';
import { ok } from '#http/response';
import { contactRoutes } from '#http/routes/contacts';

export const handler = createHttpHandler('resource', contactRoutes, {
  getContact: async ({ actor, params }) => ok(await useCases.getContact({ actor, contact: params.contact })),
  putContact: async ({ actor, params, body }) =>
    ok(await useCases.upsertContact({ actor, contact: { ...body, uuid: params.contact } })),
}, workspaceRateLimit);
