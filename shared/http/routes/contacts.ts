// Routes of the HttpContacts function.
import { contactInputSchema, contactParams, contactSchema } from '../contact-schemas';
import { errorSchema } from '../schemas';
import { defineRoute } from '../route-spec';

const tags = ['contacts'];

export const contactRoutes = {
  getContact: defineRoute({
    method: 'get',
    path: '/contacts/{contact}',
    permission: 'tickets.read',
    summary: 'A contact with its fields and open ticket',
    tags,
    params: contactParams,
    responses: {
      200: { description: 'The contact', schema: contactSchema },
      404: { description: 'No such contact', schema: errorSchema },
    },
  }),
  putContact: defineRoute({
    method: 'put',
    path: '/contacts/{contact}',
    permission: 'tickets.work',
    summary: 'Create or update a contact',
    description: 'Keys left out keep their value; `fields` are merged, a null value clears a field.',
    tags,
    params: contactParams,
    body: contactInputSchema,
    responses: {
      200: { description: 'The contact after the update', schema: contactSchema },
      400: { description: 'Invalid request; `error.field` names the field', schema: errorSchema },
    },
  }),
};
