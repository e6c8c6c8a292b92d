// Property tests (fast-check) of every route and every Invoke command, in
// process against DynamoDB Local: arbitrary JSON, strings (lone surrogates,
// emoji, huge ones) and keys (`constructor`, `__proto__`) in every parameter,
// query, header and body — shaped by the route's own schemas so that they get
// past the first checks — never answer a 5xx, and a command never throws or
// answers a stack trace. Driven by the route table (shared/http/routes) and the
// command schemas, so a new route or field is covered without being listed.
// PROPERTY_RUNS sets the runs per route (default 20; CI runs on 2 cores).
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../infra/local/emulators';
import { startSecretsManager } from '../../../infra/local/secrets-manager';
import { startSesOutbox } from '../../../infra/local/ses-outbox';
import type { HttpEvent } from '#http/handler';
import type { Identity } from '#http/identity';
import { routeKey, type RouteSpec } from '#http/route-spec';
import { routesByFunction } from '#http/routes/index';
import { arbitraryFor, nastyJson, nastyKey, nastyString } from '../../support/schema-walk';
import { isWellFormedText } from '#domain/text';
import { settingsLast } from '../../../scripts/probe';
import { createTestWorkspaces } from './fixture';
import { httpEvent, lambdaContext } from './support';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 20);

type Handler = (event: HttpEvent, context: Context) => Promise<unknown>;

/** The module of each function of the route table; a function missing here fails the first test. */
const HANDLER_MODULES: Record<keyof typeof routesByFunction, () => Promise<{ handler: Handler }>> = {
  HttpTickets: () => import('../../../functions/http-tickets'),
  HttpTopics: () => import('../../../functions/http-topics'),
  HttpContacts: () => import('../../../functions/http-contacts'),
  HttpRapidProV2: () => import('../../../functions/http-rapidpro-v2'),
  HttpAccess: () => import('../../../functions/http-access'),
  HttpFlows: () => import('../../../functions/http-flows') as Promise<{ handler: Handler }>,
  HttpTriggers: () => import('../../../functions/http-triggers'),
  HttpChannels: () => import('../../../functions/http-channels'),
};

/** A stack trace or a file path of ours in an answer. */
const LEAK = /\n\s+at |\/functions\/|\/shared\/|node_modules|\.ts:\d+/;

let world: Awaited<ReturnType<typeof createTestWorkspaces>>;
let emulators: RunningEmulator[] = [];
/** Ids that name things in the world (a ticket, topics, contacts, users): tried beside random ones. */
let knownIds: string[] = [];
const handlers = new Map<string, Handler>();

beforeAll(async () => {
  // The routes that open channel secrets or mail invitations reach these, as the deployed functions do.
  const secretArn = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:property-key-abc123';
  const secrets = await startSecretsManager({
    port: 0,
    secrets: [{ logicalId: 'Key', id: 'Key', name: 'property-key', arn: secretArn, secretString: undefined, generate: { PasswordLength: 64, ExcludePunctuation: true } }],
    valuesFile: undefined,
    log: () => undefined,
  });
  const ses = await startSesOutbox({ port: 0, outboxDir: mkdtempSync(path.join(tmpdir(), 'property-outbox-')), log: () => undefined });
  emulators = [secrets, ses];
  Object.assign(process.env, {
    CHANNEL_SECRETS_KEY_SECRET_ARN: secretArn,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    TICKET_COMMAND_FUNCTION_NAME: 'TicketCommand',
    ATTACHMENTS_BUCKET_NAME: 'ticketer-attachments-property',
    // Thousands of requests in a minute: the hourly API limit is not what is tested here.
    API_RATE_LIMIT_PER_HOUR: '10000000',
  });
  world = await createTestWorkspaces();
  const opened = await world.useCases.openTicket({
    actor: { workspace: world.acme.uuid, user: world.acme.admin.uuid },
    contact: { uuid: randomUUID(), name: 'Prop Erty', fields: { plan: 'gold' } },
    topic: { name: 'Property' },
    assignee: null,
  });
  knownIds = [opened.ticket!.uuid, opened.ticket!.topic.uuid, opened.ticket!.contact.uuid, world.acme.admin.uuid, world.acme.agent.uuid, world.acme.uuid];
  for (const [name, load] of Object.entries(HANDLER_MODULES)) handlers.set(name, (await load()).handler);
}, 120_000);

afterAll(async () => {
  await Promise.all(emulators.map((emulator) => emulator.stop()));
});

/** Arbitrary values for every `{name}` of the path: known ids, random uuids, nasty text (as API Gateway decodes it: valid Unicode). */
function paramsFor(spec: RouteSpec): fc.Arbitrary<Record<string, string>> {
  const names = [...spec.path.matchAll(/\{(\w+)\+?\}/g)].map((match) => match[1]!);
  const value = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...knownIds) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: nastyString().filter((text) => text.length > 0 && isWellFormedText(text)) },
  );
  return fc.record(Object.fromEntries(names.map((name) => [name, value])));
}

/** Query parameters as API Gateway hands them over: strings, valid Unicode. */
function queryFor(spec: RouteSpec): fc.Arbitrary<Record<string, string>> {
  const shaped = spec.query ? arbitraryFor(spec.query, knownIds) : fc.constant({});
  return fc
    .oneof(shaped, fc.dictionary(nastyKey(), nastyString(), { maxKeys: 3 }))
    .map((value) =>
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined).map(([key, item]) => [key, typeof item === 'string' ? item : JSON.stringify(item)]))
        : {},
    )
    .filter((query) => Object.entries(query).every(([key, item]) => isWellFormedText(key) && isWellFormedText(item) && key !== '__proto__'));
}

/** The body as sent: the route's shape with nasty parts, any JSON, or text that is not JSON. */
function bodyFor(spec: RouteSpec): fc.Arbitrary<string | undefined> {
  const shaped = spec.body ? arbitraryFor(spec.body, knownIds) : nastyJson();
  return fc.oneof(
    { weight: 6, arbitrary: shaped.map((value) => (value === undefined ? undefined : JSON.stringify(value))) },
    { weight: 2, arbitrary: nastyJson().map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.oneof(fc.constant('{"note": '), fc.string({ maxLength: 20 })) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

// Settings last: arbitrary ones may lower a workspace's API rate limit, and later requests would only meet the 429.
const routes = settingsLast(
  Object.entries(routesByFunction).flatMap(([fn, group]) => Object.values(group as Record<string, RouteSpec>).map((spec) => ({ fn, spec, method: spec.method, path: spec.path }))),
);

describe('every route, with arbitrary input', () => {
  it('has a handler module for every function of the route table', () => {
    expect(Object.keys(HANDLER_MODULES).sort()).toEqual(Object.keys(routesByFunction).sort());
  });

  it.each(routes.map(({ fn, spec }) => [routeKey(spec), fn, spec] as const))('%s answers below 500, without a stack trace', async (_key, fn, spec) => {
    const handler = handlers.get(fn)!;
    const identities: Identity[] = [world.acme.asAdmin, world.acme.asAgent, world.other.asAdmin];
    await fc.assert(
      fc.asyncProperty(paramsFor(spec), queryFor(spec), bodyFor(spec), fc.constantFrom(...identities), fc.option(nastyString().filter(isWellFormedText)), async (params, query, body, identity, idempotencyKey) => {
        const event = httpEvent({
          route: routeKey(spec),
          params,
          query,
          ...(body === undefined ? {} : { body }),
          headers: idempotencyKey === null ? {} : { 'idempotency-key': idempotencyKey },
          identity,
        });
        const result = (await handler(event, lambdaContext())) as { statusCode: number; body?: string };
        expect(result.statusCode, `${routeKey(spec)} answered ${result.statusCode}: ${result.body?.slice(0, 300)}`).toBeLessThan(500);
        expect(result.body ?? '').not.toMatch(LEAK);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('every Invoke command, with arbitrary input', () => {
  async function commands() {
    const { createTicketCommandHandler } = await import('../../../functions/handlers/ticket-command');
    const { ticketCommandSchema, flowEngineCommandSchema } = await import('#http/invoke-schemas');
    const flowEngine = await import('../../../functions/flow-engine');
    return {
      ticketCommand: { run: createTicketCommandHandler(world.useCases) as (event: unknown) => Promise<unknown>, schema: ticketCommandSchema },
      flowEngine: { run: flowEngine.handler as (event: unknown) => Promise<unknown>, schema: flowEngineCommandSchema },
    };
  }

  // What probes found before these tests existed: each broke a command once.
  const regressions = (workspace: string) => {
    const contact = () => ({ uuid: randomUUID() });
    const open = { command: 'open_ticket', workspace, idempotency_key: randomUUID(), contact: contact() };
    return [
      ['a field named constructor', { ...open, contact: { ...contact(), fields: { constructor: 'x' } } }],
      ['a __proto__ field', { ...open, contact: { ...contact(), fields: JSON.parse('{"__proto__": "x"}') } }],
      ['a 1 MB opened_in.name', { ...open, opened_in: { uuid: randomUUID(), name: 'x'.repeat(1_000_000) } }],
      ['a lone surrogate in the idempotency key', { ...open, idempotency_key: 'k\ud800' }],
      ['a lone surrogate in a name', { command: 'start_flow', workspace, flow: { uuid: randomUUID() }, contact: { ...contact(), name: 'a\udc00' }, idempotency_key: 'k\ud800' }],
      ['a lone surrogate in a message', { command: 'receive_msg', workspace, contact: contact(), text: 'hi \ud83d' }],
    ] as const;
  };

  it('answers the payloads that broke the commands before as invalid_request', async () => {
    const { ticketCommand, flowEngine } = await commands();
    for (const [what, payload] of regressions(world.acme.uuid)) {
      const run = payload.command === 'open_ticket' ? ticketCommand.run : flowEngine.run;
      const answer = (await run(payload)) as { error?: { code: string; message: string } };
      expect(answer.error, what).toMatchObject({ code: 'invalid_request' });
      expect(answer.error!.message, what).not.toMatch(LEAK);
    }
  });

  it.each(['ticketCommand', 'flowEngine'] as const)('%s answers every payload as data: never a function error or a stack trace', async (name) => {
    const command = (await commands())[name];
    const workspaces = fc.constantFrom(world.acme.uuid, world.other.uuid);
    const payload = fc.oneof(
      { weight: 6, arbitrary: fc.tuple(arbitraryFor(command.schema, knownIds), workspaces).map(([value, workspace]) => (typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value, workspace } : value)) },
      { weight: 2, arbitrary: arbitraryFor(command.schema, knownIds) },
      { weight: 1, arbitrary: nastyJson() },
    );
    await fc.assert(
      fc.asyncProperty(payload, async (event) => {
        // What Lambda hands a function is the payload's JSON, parsed.
        const sent = event === undefined ? null : JSON.parse(JSON.stringify(event));
        const answer = await command.run(sent);
        expect(JSON.stringify(answer) ?? '').not.toMatch(LEAK);
      }),
      { numRuns: RUNS * 5 },
    );
  });
});
