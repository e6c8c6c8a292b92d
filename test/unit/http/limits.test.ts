// Every string a route or an Invoke command accepts has a length limit
// (shared/domain/limits.ts), so nothing the service stores can grow past what
// DynamoDB takes: read from the schemas themselves, so a new route or field
// without a limit fails here.
import { describe, expect, it } from 'vitest';
import { routeKey } from '#http/route-spec';
import { allRoutes } from '#http/routes/index';
import { unboundedStrings } from '../../support/schema-walk';

process.env.TABLE_NAME ??= 'limits-test';

/** Strings bounded another way, and why. */
const BOUNDED_ELSEWHERE = new Set([
  // A flow import's keys are the export's own; the whole import has a byte limit (MAX_IMPORT_BYTES) and every flow is read by the definition reader.
  'POST /flows body {key}',
]);

describe('string limits', () => {
  it('every string of every route has a limit', () => {
    const unbounded = allRoutes().flatMap((route) =>
      (['params', 'query', 'headers', 'body'] as const).flatMap((part) =>
        route[part] ? unboundedStrings(route[part]!).map((where) => `${routeKey(route)} ${part} ${where}`) : [],
      ),
    );
    expect(unbounded.filter((where) => !BOUNDED_ELSEWHERE.has(where))).toEqual([]);
  });

  it('every string of every Invoke command has a limit', async () => {
    const { flowEngineCommandSchema, flowTimerEventSchema, ticketCommandSchema } = await import('#http/invoke-schemas');
    expect(unboundedStrings(ticketCommandSchema)).toEqual([]);
    expect(unboundedStrings(flowEngineCommandSchema)).toEqual([]);
    expect(unboundedStrings(flowTimerEventSchema)).toEqual([]);
  });

  it('finds a string without a limit (the check can fail)', async () => {
    const { z } = await import('zod');
    expect(unboundedStrings(z.object({ a: z.string().max(3), b: z.array(z.string()), c: z.record(z.string(), z.uuid()) }))).toEqual(['b[]', 'c{key}']);
  });
});
