// The conversations story of issue 8 through the local stack with real
// sockets: a contact writes "help" through an External API gateway (a
// stand-in server on a free port), the keyword trigger starts the support
// flow, whose questions reach the gateway; the flow opens a ticket; an agent
// reads the conversation and replies; the reply reaches the gateway, which
// reports it delivered; the contact's next message joins the ticket while the
// bot stays quiet; closing the ticket sends the survey through the channel.
import { randomUUID } from 'node:crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack';
import { supportFlow13 } from '../flows/fixtures/flows';
import { exportOf, surveyFlow } from '../integration/triggers/fixtures';
import { startGatewayStandIn, type GatewayStandIn, type RecordedRequest } from '../support/gateway-stand-in';
import { apiClient, directory, eventually, startTestStack } from './support';

let stack: LocalStack;
let gateway: GatewayStandIn;

const SUPPORT = supportFlow13();
const SURVEY = surveyFlow('d8000000-0000-4000-8000-000000000001');
const FALLBACK_TEXT = 'Sorry, I did not understand. Write "help" to talk to us.';
const FALLBACK = {
  uuid: 'd8000000-0000-4000-8000-000000000002',
  name: 'Fallback',
  spec_version: '13.1.0',
  language: 'eng',
  type: 'messaging',
  revision: 1,
  localization: {},
  nodes: [
    {
      uuid: 'd8000000-0000-4000-9000-000000000001',
      actions: [{ uuid: 'd8000000-0000-4000-9000-000000000002', type: 'send_msg', text: FALLBACK_TEXT }],
      exits: [{ uuid: 'd8000000-0000-4000-9000-000000000003' }],
    },
  ],
};

/** The JSON body template a gateway of ours expects (courier's `{{…}}` variables, JSON-escaped). */
const BODY_TEMPLATE = '{"id":{{id}},"to":{{to}},"text":{{text}},"from":{{from}},"channel":{{channel}}}';

beforeAll(async () => {
  [stack, gateway] = await Promise.all([startTestStack(), startGatewayStandIn()]);
});

afterAll(async () => {
  await Promise.all([stack?.stop(), gateway?.stop()]);
});

const sends = (request: RecordedRequest) => request.url === '/send';
const sentTexts = () => gateway.requests.filter(sends).map((request) => (JSON.parse(request.body) as { text: string }).text);

describe('a contact talks to the bot, then to an agent, through an External API channel', () => {
  it('keyword → flow → ticket → agent reply → delivered → bot paused → close → survey, every message through the gateway', async () => {
    const { workspace, administrator } = await directory(stack).workspace(`Conversations ${randomUUID().slice(0, 6)}`);
    const admin = apiClient(stack, administrator.token);
    const agentMember = await directory(stack).member(workspace.uuid, 'agent', 'Ana Agent');
    const agent = apiClient(stack, agentMember.token);

    // The administrator adds the gateway as a channel.
    const created = await admin('POST', '/channels', {
      type: 'EX',
      name: 'Gateway',
      schemes: ['tel'],
      address: '+250788000000',
      config: { send_url: `${gateway.url}/send`, method: 'POST', content_type: 'json', body: BODY_TEMPLATE, send_authorization: 'Bearer s3cret' },
    });
    expect(created.status).toBe(201);
    const channel = created.body as { uuid: string; receive_url: string; config: Record<string, unknown> };
    expect(channel.receive_url).toBe(`${stack.apiUrl}/c/ex/${channel.uuid}/receive`);
    expect(JSON.stringify(channel.config)).not.toContain('s3cret');

    // The support flow (keyword "help"), the fallback (catch-all) and the survey (after a close).
    const lambda = new LambdaClient({ endpoint: stack.lambdaEndpoint, region: stack.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const definitions = exportOf([SUPPORT, SURVEY, FALLBACK], [{ flow: SURVEY }]);
    (definitions.triggers as unknown[]).push(
      { trigger_type: 'K', keywords: ['help'], match_type: 'F', flow: { uuid: SUPPORT.uuid, name: SUPPORT.name }, groups: [], exclude_groups: [] },
      { trigger_type: 'C', keywords: null, flow: { uuid: FALLBACK.uuid, name: FALLBACK.name }, groups: [], exclude_groups: [] },
    );
    const imported = await lambda.send(
      new InvokeCommand({ FunctionName: stack.functions.FlowEngine!, Payload: JSON.stringify({ command: 'import_flows', workspace: workspace.uuid, definitions }) }),
    );
    expect(imported.FunctionError).toBeUndefined();
    const triggers = await admin('GET', '/triggers');
    expect(triggers.body.results.map((trigger: any) => trigger.type).sort()).toEqual(['catch_all', 'closed_ticket', 'keyword']);

    const phone = `+25078${Math.floor(1_000_000 + Math.random() * 8_999_999)}`;
    const contactWrites = async (text: string) => {
      const response = await fetch(channel.receive_url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ from: phone, text }).toString(),
      });
      const body = (await response.json()) as any;
      expect(response.status).toBe(200);
      expect(body).toMatchObject({ message: 'Message Accepted', data: [{ type: 'msg', channel_uuid: channel.uuid, text, urn: `tel:${phone}` }] });
      return body.data[0].msg_uuid as string;
    };

    // A word nobody listens for: the catch-all answers.
    await contactWrites('hello?');
    await gateway.waitFor(1, sends);
    expect(sentTexts()).toEqual([FALLBACK_TEXT]);

    // "help": the keyword trigger starts the support flow, which asks the name.
    await contactWrites('Help me please');
    await gateway.waitFor(2, sends);
    const question = gateway.requests.filter(sends)[1]!;
    expect(question.method).toBe('POST');
    expect(question.headers.authorization).toBe('Bearer s3cret');
    expect(question.headers['content-type']).toMatch(/^application\/json/);
    const questionId = (JSON.parse(question.body) as { id: string }).id;
    // Byte for byte what the template makes of this message.
    expect(question.body).toBe(
      `{"id":${JSON.stringify(questionId)},"to":${JSON.stringify(phone)},"text":"Hi! What is your name?","from":"+250788000000","channel":${JSON.stringify(channel.uuid)}}`,
    );

    // The name: the flow opens a ticket and says an agent will come.
    await contactWrites('Ana');
    await gateway.waitFor(3, sends);
    expect(sentTexts()[2]).toBe('An agent will be with you, Ana.');

    const tickets = await eventually(
      () => agent('GET', '/tickets?folder=unassigned&status=open'),
      (response) => response.status === 200 && response.body.results.length === 1,
    );
    const ticket = tickets.body.results[0] as { uuid: string; contact: { uuid: string } };

    // The agent reads the whole conversation: bot and contact messages, and the opening, in time order.
    const conversation = await agent('GET', `/tickets/${ticket.uuid}/conversation`);
    expect(conversation.status).toBe(200);
    const oldestFirst = [...conversation.body.results].reverse();
    const texts = oldestFirst.filter((item: any) => item.kind === 'msg').map((item: any) => `${item.direction}:${item.text}`);
    expect(texts).toEqual(expect.arrayContaining(['in:Help me please', 'out:Hi! What is your name?', 'in:Ana', 'out:An agent will be with you, Ana.']));
    expect(texts.indexOf('in:Ana')).toBeLessThan(texts.indexOf('out:An agent will be with you, Ana.'));
    expect(oldestFirst.some((item: any) => item.kind === 'event' && item.type === 'ticket_opened')).toBe(true);

    // The agent replies: the reply takes the ticket (it was unassigned) and reaches the gateway.
    const reply = await agent('POST', `/tickets/${ticket.uuid}/messages`, { text: 'Hello Ana, I am here. What happened?' });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ direction: 'out', status: 'queued', ticket_uuid: ticket.uuid, user: { uuid: agentMember.uuid } });
    const detail = await agent('GET', `/tickets/${ticket.uuid}`);
    expect(detail.body.ticket.assignee).toMatchObject({ uuid: agentMember.uuid });
    expect(detail.body.ticket.replied_on).not.toBeNull();
    await gateway.waitFor(4, sends);
    const delivered = gateway.requests.filter(sends)[3]!;
    expect(JSON.parse(delivered.body)).toMatchObject({ id: reply.body.uuid, text: 'Hello Ana, I am here. What happened?', to: phone });

    // The gateway reports it delivered; the conversation shows it.
    const callback = await fetch(`${stack.apiUrl}/c/ex/${channel.uuid}/delivered`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ id: reply.body.uuid }).toString(),
    });
    expect(callback.status).toBe(200);
    const afterCallback = await eventually(
      () => agent('GET', `/tickets/${ticket.uuid}/conversation`),
      (response) => response.body.results.some((item: any) => item.uuid === reply.body.uuid && item.status === 'delivered'),
    );
    expect(afterCallback.body.results.find((item: any) => item.uuid === reply.body.uuid).status).toBe('delivered');

    // While the ticket is open the contact's words go to the agent; the bot stays quiet
    // (the catch-all would have answered "hello?" above).
    await contactWrites('my parcel arrived broken');
    const joined = await eventually(
      () => agent('GET', `/tickets/${ticket.uuid}/conversation`),
      (response) => response.body.results.some((item: any) => item.kind === 'msg' && item.text === 'my parcel arrived broken'),
    );
    expect(joined.body.results.find((item: any) => item.text === 'my parcel arrived broken')).toMatchObject({ direction: 'in', ticket_uuid: ticket.uuid });
    // A later reply reaches the gateway after anything the bot would have sent (one contact's messages go out in order).
    await agent('POST', `/tickets/${ticket.uuid}/messages`, { text: 'Sorry to hear that. Closing this with a refund.' });
    await gateway.waitFor(5, sends);
    expect(sentTexts().slice(3)).toEqual(['Hello Ana, I am here. What happened?', 'Sorry to hear that. Closing this with a refund.']);

    // Closing starts the survey, which reaches the contact through the channel.
    expect((await agent('POST', `/tickets/${ticket.uuid}/close`, {})).status).toBe(200);
    await gateway.waitFor(6, sends);
    expect(sentTexts()[5]).toBe('Thanks for contacting us about Support with Ana Agent. How would you rate it, 1 to 5?');
    expect(sentTexts().filter((text) => text === FALLBACK_TEXT)).toHaveLength(1);
  });
});
