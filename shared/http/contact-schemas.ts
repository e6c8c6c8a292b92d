// Schemas of the contact resource (HttpContacts), and the contact input that
// opening a ticket, starting a flow and the Invoke commands take as well.
// A ticket's detail embeds the contact (contactDetailsSchema).
import * as z from 'zod';
import { CONTACT_FIELD_KEY_PATTERN, isReservedFieldKey } from '#domain/contact';
import {
  MAX_CONTACT_FIELD_KEY_LENGTH,
  MAX_CONTACT_FIELD_VALUE_LENGTH,
  MAX_CONTACT_FIELDS,
  MAX_CONTACT_NAME_LENGTH,
  MAX_CONTACT_URN_LENGTH,
  MAX_CONTACT_URNS,
} from '#domain/limits';
import { timestamp } from './schemas';

export const contactSchema = z
  .object({
    uuid: z.uuid(),
    name: z.string().nullable(),
    language: z.string().nullable(),
    urns: z.array(z.string()),
    fields: z.record(z.string(), z.string().nullable()),
    open_ticket: z.uuid().nullable(),
    status: z.enum(['active', 'stopped', 'blocked']).meta({ description: '`stopped`: the gateway reported the contact stopped (it writes in again: active); nothing is sent to a stopped or blocked contact' }),
    last_channel: z.object({ uuid: z.string(), name: z.string() }).nullable().meta({ description: 'The channel the contact last wrote in: replies go out through it' }),
    created_on: timestamp,
    modified_on: timestamp,
  })
  .meta({ id: 'Contact' });

export const contactDetailsSchema = contactSchema
  .extend({
    groups: z
      .array(z.object({ uuid: z.string(), name: z.string() }))
      .meta({ description: 'The contact\'s groups as its last flow session holds them (no session: none)' }),
  })
  .meta({ id: 'ContactDetails' });

// The same rules as shared/domain/contact.ts, here so that they are reported
// under the request's own field names and appear in the OpenAPI document.
export const contactInputSchema = z
  .object({
    name: z.string().max(MAX_CONTACT_NAME_LENGTH).nullable().optional(),
    urns: z
      .array(z.string().max(MAX_CONTACT_URN_LENGTH).regex(/^[a-z]+:.+$/, 'Not a URN (scheme:path)'))
      .max(MAX_CONTACT_URNS)
      .optional()
      .meta({ example: ['tel:+250788123123'] }),
    language: z.string().max(3).regex(/^[a-z]{3}$/, 'Not an ISO 639-3 code such as "eng"').nullable().optional(),
    fields: z
      .record(
        z
          .string()
          .max(MAX_CONTACT_FIELD_KEY_LENGTH)
          .regex(CONTACT_FIELD_KEY_PATTERN, 'Not a field key (lowercase letters, digits, _)')
          .refine((key) => !isReservedFieldKey(key), 'A reserved name, not a field key'),
        z.string().max(MAX_CONTACT_FIELD_VALUE_LENGTH).nullable(),
      )
      .refine((fields) => Object.keys(fields).length <= MAX_CONTACT_FIELDS, `At most ${MAX_CONTACT_FIELDS} fields`)
      .optional(),
  })
  .meta({ id: 'ContactInput' });

export const contactParams = z.object({ contact: z.uuid() });
