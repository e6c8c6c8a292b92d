// The schema pieces several resources of the API share: timestamps, notes,
// topic names, paging, user references, the error body, the idempotency
// header. Each resource's own schemas live next to this file, one module per
// resource (ticket-schemas.ts, topic-schemas.ts, contact-schemas.ts,
// access-schemas.ts, …): a zod schema built at module top level with `.meta()`
// or `.optional()` is a call esbuild cannot drop, so a function builds every
// schema of every module it imports; split this way, it builds only those of
// its own routes. Through `.meta({ id })` the schemas become the components of
// docs/openapi.json.
import * as z from 'zod';
import { MAX_CURSOR_LENGTH, MAX_IDEMPOTENCY_KEY_LENGTH, MAX_NOTE_LENGTH, MAX_TOPIC_NAME_LENGTH } from '#domain/limits';
import { PAGE_SIZE } from '#use-cases/context';

/** The largest page a list answers (the domain's limit, shown in the OpenAPI document). */
export const PAGE_MAX_LIMIT = PAGE_SIZE.folderMax;

export const timestamp = z.string().meta({ description: 'ISO-8601 UTC, 6 fractional digits', example: '2026-11-24T10:00:00.123000Z' });
export const note = z.string().trim().min(1).max(MAX_NOTE_LENGTH);
export const topicName = z.string().trim().min(1).max(MAX_TOPIC_NAME_LENGTH);
/** A paging cursor as a list handed it out (opaque; checked by the list). */
export const cursor = z.string().min(1).max(MAX_CURSOR_LENGTH);

export const userRefSchema = z.object({ uuid: z.uuid(), email: z.string(), name: z.string() }).meta({ id: 'UserRef' });

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'ticket_not_found' }),
      message: z.string(),
      field: z.string().optional().meta({ description: 'The offending request field (dotted path), for 400s' }),
    }),
  })
  .meta({ id: 'Error' });

export const idempotencyHeaderSchema = z.object({
  'idempotency-key': z.string().min(1).max(MAX_IDEMPOTENCY_KEY_LENGTH).optional().meta({ description: 'Retries with the same key open at most one ticket and get the same answer' }),
});
