// The request pipeline of every HTTP function, on a route made up for the test
// (no table needed): parsing, validation, identity and the error mapping.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConflictError, RateLimitedError } from '#domain/errors';
import { createHttpHandler, type HttpHandlerOptions } from '#http/handler';
import { defineRoute } from '#http/route-spec';
import { ok } from '#http/response';
import { call } from '../../integration/http/support';

const identity = { workspace: '0196a1b2-0000-7000-8000-000000000001', user: '0196a1b2-0000-7000-8000-000000000002', role: 'agent' as const };
const thingRoute = defineRoute({
  method: 'post',
  path: '/things/{thing}',
  permission: 'tickets.work',
  summary: 'test route',
  tags: ['test'],
  params: z.object({ thing: z.uuid() }),
  query: z.object({ limit: z.coerce.number().int().max(10).default(5) }),
  body: z.object({ name: z.string(), tags: z.array(z.string()).optional() }),
  responses: { 200: { description: 'ok' } },
});
const route = 'POST /things/{thing}';
const thing = '0196a1b2-0000-7000-8000-0000000000aa';

const admitEveryone: HttpHandlerOptions = { admit: async () => undefined };

function handlerAnswering(answer: () => Promise<unknown>, style: 'resource' | 'rapidpro-v2' = 'resource', options = admitEveryone) {
  return createHttpHandler(style, { thingRoute }, {
    thingRoute: async (request) => ok({ answer: await answer(), params: request.params, query: request.query, body: request.body, actor: request.actor }),
  }, options);
}
const echo = handlerAnswering(async () => 'fine');

describe('createHttpHandler', () => {
  it('hands the parsed path, query, body and the actor to the route', async () => {
    const response = await call(echo, { route, params: { thing }, query: { limit: '7' }, body: { name: 'x' }, identity });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.body).toEqual({
      answer: 'fine',
      params: { thing },
      query: { limit: 7 },
      body: { name: 'x' },
      actor: { workspace: identity.workspace, user: identity.user },
    });
  });

  it('answers malformed JSON with 400 on `body`', async () => {
    const response = await call(echo, { route, params: { thing }, body: '{"name": ', identity });
    expect(response).toMatchObject({ status: 400, body: { error: { code: 'invalid_json', field: 'body' } } });
  });

  it('names the offending field, nested ones by dotted path', async () => {
    const wrongType = await call(echo, { route, params: { thing }, body: { name: 3 }, identity });
    expect(wrongType).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', field: 'name' } } });
    const nested = await call(echo, { route, params: { thing }, body: { name: 'x', tags: ['a', 2] }, identity });
    expect(nested.body.error.field).toBe('tags.1');
    const query = await call(echo, { route, params: { thing }, query: { limit: '11' }, body: { name: 'x' }, identity });
    expect(query).toMatchObject({ status: 400, body: { error: { field: 'limit' } } });
  });

  it('treats a path id that is not a uuid as an unknown id (404)', async () => {
    const response = await call(echo, { route, params: { thing: 'not-a-uuid' }, body: { name: 'x' }, identity });
    expect(response).toMatchObject({ status: 404, body: { error: { code: 'thing_not_found' } } });
  });

  it('maps domain errors to their status and hides unexpected ones behind a 500', async () => {
    const conflict = handlerAnswering(async () => {
      throw new ConflictError('contact_has_open_ticket', 'The contact has another open ticket');
    });
    expect(await call(conflict, { route, params: { thing }, body: { name: 'x' }, identity })).toMatchObject({
      status: 409,
      body: { error: { code: 'contact_has_open_ticket' } },
    });
    const bug = handlerAnswering(async () => {
      throw new TypeError('cannot read properties of undefined (reading "secret")');
    });
    const response = await call(bug, { route, params: { thing }, body: { name: 'x' }, identity });
    expect(response).toEqual({
      status: 500,
      headers: { 'content-type': 'application/json' },
      body: { error: { code: 'internal_error', message: 'Internal server error' } },
    });
  });

  it('refuses a request without the authorizer context', async () => {
    const response = await call(echo, { route, params: { thing }, body: { name: 'x' }, identity: undefined as never });
    expect(response.status).toBe(401);
  });

  it('speaks RapidPro error bodies in the v2 style', async () => {
    const v2 = handlerAnswering(async () => 'fine', 'rapidpro-v2');
    expect(await call(v2, { route, params: { thing }, body: { name: 3 }, identity })).toMatchObject({
      status: 400,
      body: { name: [expect.any(String)] },
    });
    expect(await call(v2, { route, params: { thing }, body: '[', identity })).toMatchObject({
      status: 400,
      body: { non_field_errors: [expect.any(String)] },
    });
  });

  it('refuses a role without the route\'s permission with 403 permission_denied, before reading the request', async () => {
    const response = await call(echo, { route, params: { thing }, body: '{"broken', identity: { ...identity, role: 'viewer' } });
    expect(response).toMatchObject({ status: 403, body: { error: { code: 'permission_denied' } } });
    expect(response.body.error.message).toBe('The viewer role may not work tickets or change contacts.');
  });

  it('asks admission first: a refused request gets 429 with Retry-After, whatever the role', async () => {
    const admitted: string[] = [];
    const limited = handlerAnswering(async () => 'fine', 'resource', {
      admit: async (who) => {
        admitted.push(who.workspace);
        throw new RateLimitedError('rate_limited', 'Request limit reached', 42);
      },
    });
    const response = await call(limited, { route, params: { thing }, body: { name: 'x' }, identity: { ...identity, role: 'viewer' } });
    expect(response).toMatchObject({ status: 429, headers: { 'retry-after': '42' }, body: { error: { code: 'rate_limited' } } });
    expect(admitted).toEqual([identity.workspace]);
  });

  it('runs a public route without identity, admission or permission', async () => {
    const publicRoute = defineRoute({ method: 'post', path: '/open', permission: 'public', summary: 'public', tags: ['test'], responses: { 200: { description: 'ok' } } });
    const refuseAll = { admit: async () => Promise.reject(new Error('admission must not run on a public route')) };
    const open = createHttpHandler('resource', { publicRoute }, { publicRoute: async ({ identity, actor }) => ok({ identity, actor }) }, refuseAll);
    const response = await call(open, { route: 'POST /open', identity: undefined as never });
    expect(response).toMatchObject({ status: 200, body: { identity: null, actor: null } });
  });
});
