// The envelopes every RapidPro API v2 endpoint shares, whichever function
// serves it (HttpRapidProV2, HttpFlows, HttpChannels): the page size, a list
// page, and the two error bodies. Apart from the v2 ticket, topic and user
// shapes (rapidpro-v2-schemas.ts) so that a function serving one v2 endpoint
// builds none of the others' schemas at start.
import * as z from 'zod';

export const V2_PAGE_SIZE = 250;

export function listOf<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      next: z.string().nullable().meta({ description: 'Absolute URL of the next page (carries `cursor=`), null on the last' }),
      previous: z.null().meta({ description: 'Always null: paging is forward-only' }),
      results: z.array(item),
    })
    .meta({ id });
}

export const v2ValidationErrorSchema = z
  .record(z.string(), z.array(z.string()))
  .meta({
    id: 'V2ValidationError',
    description: '`{"<field>": ["message"]}`, or `{"non_field_errors": ["message"]}` when no single field is at fault',
  });
export const v2DetailErrorSchema = z.object({ detail: z.string() }).meta({ id: 'V2DetailError' });
