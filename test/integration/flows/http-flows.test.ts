// The HttpFlows function as API Gateway calls it: retried starts and inbound
// messages are recognized (Idempotency-Key header, message uuid), and a
// malformed definition is a 400, never a 500.
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { supportFlow13 } from '../../flows/fixtures/flows';
import { createTestWorkspaces } from '../http/fixture';
import { httpEvent, type RequestOptions } from '../http/support';

let handler: (event: ReturnType<typeof httpEvent>, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
let acme: Awaited<ReturnType<typeof createTestWorkspaces>>['acme'];
const SUPPORT_FLOW = supportFlow13() as { uuid: string };

async function call(options: Omit<RequestOptions, 'identity'>) {
  const response = await handler(httpEvent({ ...options, identity: acme.asAdmin }), {} as Context);
  return { status: response.statusCode, body: JSON.parse(String(response.body)) };
}

beforeAll(async () => {
  // Read with the configuration (when the handler's wiring first reads it). The support flow opens its ticket only after an answer; these tests never get there.
  process.env.TICKET_COMMAND_FUNCTION_NAME = 'not-invoked-here';
  ({ acme } = await createTestWorkspaces());
  ({ handler } = await import('../../../functions/http-flows'));
  expect((await call({ route: 'POST /flows', body: supportFlow13() })).status).toBe(201);
});

describe('HttpFlows', () => {
  it('answers a start retried with the same Idempotency-Key with the first answer: one session', async () => {
    const contact = { uuid: randomUUID(), name: 'Ryan', urns: ['tel:+250788123123'] };
    const start = () => call({ route: 'POST /flows/{flow}/start', params: { flow: SUPPORT_FLOW.uuid }, headers: { 'idempotency-key': `start-${contact.uuid}` }, body: { contact } });
    const first = await start();
    expect(first.status).toBe(200);
    expect(first.body.session.status).toBe('waiting');
    const again = await start();
    expect(again.body).toEqual(first.body);
    const messages = await call({ route: 'GET /contacts/{contact}/messages', params: { contact: contact.uuid } });
    expect(messages.body.results).toHaveLength(1);
  });

  it('takes an inbound message given with its uuid once', async () => {
    const contact = randomUUID();
    const uuid = randomUUID();
    const send = () => call({ route: 'POST /contacts/{contact}/messages', params: { contact }, body: { uuid, text: 'hello' } });
    expect((await send()).body).toEqual({ session: null, events: [] });
    expect((await send()).status).toBe(200);
    const messages = await call({ route: 'GET /contacts/{contact}/messages', params: { contact } });
    expect(messages.body.results).toEqual([expect.objectContaining({ uuid, text: 'hello' })]);
  });

  it('refuses a definition of the wrong shape with a 400 naming the place', async () => {
    const broken = { ...supportFlow13(), nodes: [null] };
    const response = await call({ route: 'POST /flows', body: broken });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'invalid_definition', field: 'definitions', message: expect.stringContaining('node[0] must be an object') });
  });

  it('refuses an export whose contact field keys a flow could not write (a prototype name, reserved, not a key)', async () => {
    for (const key of ['__proto__', 'constructor', 'name', 'Plan']) {
      const response = await call({ route: 'POST /flows', body: { version: '13', flows: [supportFlow13()], fields: [{ key, name: 'Field' }] } });
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'invalid_definition', field: 'definitions.fields', message: expect.stringContaining(JSON.stringify(key)) });
    }
    const fine = await call({ route: 'POST /flows', body: { version: '13', flows: [supportFlow13()], fields: [{ key: 'plan', name: 'Plan' }] } });
    expect(fine.status).toBe(201);
  });
});
