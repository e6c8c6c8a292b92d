// The local stack's demo gateway (infra/local/demo-gateway.ts): an External
// API gateway stand-in that the demo workspace's "Demo gateway" channel sends
// through. One stack seeded with the demo data (as `npm start` seeds it) for
// the whole file: its bot messages end delivered, an agent's reply reaches the
// gateway's outbox file and ends delivered, and a developer can write in as a
// demo contact at the printed receive URL.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepDemoChannel } from '../../infra/local/demo-data';
import { startDemoGateway, type DemoGateway, type GatewayOutboxLine } from '../../infra/local/demo-gateway';
import { LocalStackSetupError } from '../../infra/local/emulators';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';
import { apiClient, directory, eventually, startTestStack } from '../e2e/support';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ticketer-demo-gateway-'));
let stack: LocalStack;
let admin: ReturnType<typeof apiClient>;
const logLines: string[] = [];

beforeAll(async () => {
  stack = await startTestStack({
    dataDir,
    demoData: true,
    log: (line) => logLines.push(line),
  });
  admin = apiClient(stack);
});

afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const outbox = (): GatewayOutboxLine[] => {
  let text = '';
  try {
    text = readFileSync(stack.gatewayOutbox, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as GatewayOutboxLine);
};

/** Every ticket of the demo workspace (open and closed), with its contact. */
async function demoTickets(): Promise<{ uuid: string; contact: { uuid: string; name: string } }[]> {
  const open = await admin('GET', '/tickets?folder=all&status=open&limit=100');
  const closed = await admin('GET', '/tickets?folder=all&status=closed&limit=100');
  return [...open.body.results, ...closed.body.results];
}

interface V2Message {
  uuid: string;
  direction: 'in' | 'out';
  status: string;
  text: string;
}
const messagesOf = async (contact: string): Promise<V2Message[]> => (await admin('GET', `/api/v2/messages.json?contact=${contact}`)).body.results;

describe('a fresh stack seeded with the demo data', () => {
  it('has the "Demo gateway" channel, in stack.json too, reaching every demo contact', async () => {
    expect(stack.demoChannel).toEqual({ uuid: expect.any(String), receive_url: `${stack.apiUrl}/c/ex/${stack.demoChannel!.uuid}/receive` });
    const written = JSON.parse(readFileSync(path.join(dataDir, 'stack.json'), 'utf8')) as Pick<LocalStack, 'gatewayUrl' | 'demoChannel' | 'gatewayOutbox'>;
    expect(written.gatewayUrl).toBe(stack.gatewayUrl);
    expect(written.gatewayUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(written.demoChannel).toEqual(stack.demoChannel);
    expect(written.gatewayOutbox).toBe(path.join(dataDir, 'gateway', 'outbox'));
    const channels = await admin('GET', '/channels');
    expect(channels.body.results).toEqual([
      expect.objectContaining({
        uuid: stack.demoChannel!.uuid,
        type: 'EX',
        name: 'Demo gateway',
        schemes: ['tel', 'telegram'],
        config: expect.objectContaining({ send_url: `${stack.gatewayUrl}/send`, content_type: 'json', method: 'POST' }),
      }),
    ]);
  });

  it("delivers the demo bot's messages through the demo gateway: none failed, every one delivered", async () => {
    const tickets = await demoTickets();
    expect(tickets).toHaveLength(4);
    for (const ticket of tickets) {
      const messages = await eventually(
        () => messagesOf(ticket.contact.uuid),
        (results) => results.filter((message) => message.direction === 'out').every((message) => message.status === 'delivered'),
      );
      const outgoing = messages.filter((message) => message.direction === 'out');
      expect(outgoing.length, ticket.contact.name).toBeGreaterThanOrEqual(2);
      expect(outgoing.map((message) => message.status)).toEqual(outgoing.map(() => 'delivered'));
    }
    // Each of them went over the socket to the gateway, which wrote it to its outbox file.
    const sent = outbox();
    expect(sent.map((line) => line.to).sort()).toEqual(
      ['+5511987650001', '+5511987650001', '+5521987650002', '+5521987650002', '70000003', '70000003', '+2348030000004', '+2348030000004'].sort(),
    );
    expect(sent.every((line) => line.channel === stack.demoChannel!.uuid)).toBe(true);
    expect(sent.some((line) => line.text === "Hi Carla! I'm the Demo bot. What is the number of the invoice you have a question about?")).toBe(true);
    expect(logLines).toContain("gateway ▸ to 70000003: Hi Carla! I'm the Demo bot. What is the number of the invoice you have a question about?");
  });

  it("takes an agent's reply to the gateway's outbox file, and the message ends delivered", async () => {
    const ana = (await demoTickets()).find((ticket) => ticket.contact.name === 'Ana Souza')!;
    const member = await directory(stack).member(stack.workspace!.uuid, 'agent', 'Gateway Agent');
    const agent = apiClient(stack, member.token);
    const reply = await agent('POST', `/tickets/${ana.uuid}/messages`, { text: 'Hello Ana, "INV-2041" is paid.\nAnything else?' });
    expect(reply.status).toBe(201);
    expect(reply.body.status).toBe('queued');

    const lines = await eventually(
      async () => outbox().filter((line) => line.id === reply.body.uuid),
      (found) => found.length > 0,
    );
    expect(lines).toEqual([
      { time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), to: '+5511987650001', text: 'Hello Ana, "INV-2041" is paid.\nAnything else?', id: reply.body.uuid, channel: stack.demoChannel!.uuid },
    ]);
    expect(logLines).toContain('gateway ▸ to +5511987650001: Hello Ana, "INV-2041" is paid. ⏎ Anything else?');

    const conversation = await eventually(
      () => agent('GET', `/tickets/${ana.uuid}/conversation`),
      (response) => response.body.results.some((item: { uuid?: string; status?: string }) => item.uuid === reply.body.uuid && item.status === 'delivered'),
    );
    expect(conversation.body.results.find((item: { uuid?: string }) => item.uuid === reply.body.uuid)).toMatchObject({ status: 'delivered' });
  });

  it('lets a developer write in as a demo contact at the receive URL npm start prints', async () => {
    const ana = (await demoTickets()).find((ticket) => ticket.contact.name === 'Ana Souza')!;
    // What the printed curl line sends (curl -d is a form-encoded POST).
    const response = await fetch(stack.demoChannel!.receive_url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'from=+5511987650001&text=hello from the terminal',
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: unknown[] }).data[0]).toMatchObject({ type: 'msg', urn: 'tel:+5511987650001', text: 'hello from the terminal' });
    const conversation = await eventually(
      () => admin('GET', `/tickets/${ana.uuid}/conversation`),
      (answer) => answer.body.results.some((item: { direction?: string; text?: string }) => item.direction === 'in' && item.text === 'hello from the terminal'),
    );
    expect(conversation.body.results.some((item: { direction?: string; text?: string }) => item.direction === 'in' && item.text === 'hello from the terminal')).toBe(true);
  });
});

describe('a later start', () => {
  it("points the remembered demo channel at the demo gateway's current URL when its port changed", async () => {
    const moved = 'http://127.0.0.1:18999/send';
    const log: string[] = [];
    const keep = (gatewaySendUrl: string) =>
      keepDemoChannel({ apiUrl: stack.apiUrl, token: stack.token!, gatewaySendUrl, channel: { uuid: stack.demoChannel!.uuid }, log: (line) => log.push(line) });
    const sendUrl = async () => (await admin('GET', `/channels/${stack.demoChannel!.uuid}`)).body.config.send_url as string;
    try {
      expect(await keep(moved)).toEqual({ uuid: stack.demoChannel!.uuid });
      expect(await sendUrl()).toBe(moved);
      expect(log).toEqual([`pointing the demo channel at ${moved}…`]);
    } finally {
      await keep(`${stack.gatewayUrl}/send`);
    }
    expect(await sendUrl()).toBe(`${stack.gatewayUrl}/send`);
    // Unchanged: nothing to do.
    expect(await keep(`${stack.gatewayUrl}/send`)).toEqual({ uuid: stack.demoChannel!.uuid });
    expect(log).toHaveLength(2);
  });
});

describe('the demo gateway on its own', () => {
  let gateway: DemoGateway;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ticketer-demo-gateway-alone-'));

  beforeAll(async () => {
    // Its reports would go nowhere: only refused sends are made here.
    gateway = await startDemoGateway({ port: 0, outboxFile: path.join(dir, 'outbox'), apiUrl: 'http://127.0.0.1:9', log: () => undefined });
  });
  afterAll(async () => {
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses what is not an External API send, and writes nothing for it', async () => {
    const post = (body: string, contentType: string, pathname = '/send') =>
      fetch(`${gateway.endpoint}${pathname}`, { method: 'POST', headers: { 'content-type': contentType }, body });
    expect((await post('{"id":"x","to":"+1","text":"t"}', 'application/json')).status).toBe(400); // no channel
    expect((await post('{not json', 'application/json')).status).toBe(400);
    expect((await post('["a"]', 'application/json')).status).toBe(400);
    expect((await post('<xml/>', 'text/xml')).status).toBe(415);
    expect((await post('{}', 'application/json', '/other')).status).toBe(404);
    expect((await fetch(`${gateway.endpoint}/send`)).status).toBe(404);
    expect(() => readFileSync(gateway.outboxFile, 'utf8')).toThrow();
  });

  it('says in one line which port is taken, and which variable moves it', async () => {
    const taken = startLocalStack({ synth: false, ports: { api: 0, lambda: 0, dynamodb: 0, sqs: 0, ses: 0, secrets: 0, s3: 0, app: 0, gateway: gateway.port } });
    await expect(taken).rejects.toThrow(LocalStackSetupError);
    await expect(taken).rejects.toThrow(`Port ${gateway.port} (demo gateway) is already in use: stop whatever holds it (lsof -i :${gateway.port}) or choose another port (TICKETER_GATEWAY_PORT=…)`);
  });
});
