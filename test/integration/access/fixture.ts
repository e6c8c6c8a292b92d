// A fresh table on DynamoDB Local for one test file, with the HTTP functions'
// handlers and a mail outbox. The HttpAccess handler is built over use cases
// whose mail port is the outbox (the deployed function mails through SES);
// everything else is the functions as deployed. TABLE_NAME is set before the
// handlers are first imported, because their wiring reads the configuration
// when the module loads.
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { tableDefinition } from '#adapters/dynamodb/table';
import type { Role } from '#domain/workspace';
import type { Identity } from '#http/identity';
import { routeKey } from '#http/route-spec';
import { routesByFunction } from '#http/routes/index';
import type { MailMessage } from '#use-cases/ports';
import type { UseCaseDeps } from '#use-cases/context';
import { createUseCases } from '#use-cases/index';
import { call, type JsonResponse, type RequestOptions } from '../http/support';

export const PASSWORD = 'correct horse battery staple';
export const ACCEPT_URL = 'https://agents.example/accept-invitation';

type Handler = Parameters<typeof call>[0];

export async function createAccessWorld() {
  const tableName = `access-${randomUUID()}`;
  const client = new DynamoDBClient({});
  await client.send(new CreateTableCommand(tableDefinition(tableName)));
  process.env.TABLE_NAME = tableName;
  // HttpFlows reads it at module scope; these tests never run a flow that opens a ticket.
  process.env.TICKET_COMMAND_FUNCTION_NAME ??= 'TicketCommand';
  // HttpTickets presigns attachment uploads into it (offline: signing needs no network).
  process.env.ATTACHMENTS_BUCKET_NAME ??= 'ticketer-attachments-test';

  const outbox: MailMessage[] = [];
  const repositories = createDynamoDbRepositories({ client, tableName });
  /** The use cases over this table, mailing to the outbox; `overrides` change the clock or the accept page. */
  const useCasesWith = (overrides: Partial<UseCaseDeps> = {}) =>
    createUseCases({ ...repositories, mail: { send: async (message) => void outbox.push(message) }, invitationAcceptUrl: ACCEPT_URL, ...overrides });
  const useCases = useCasesWith();
  /** The same use cases on a clock of our choosing (expired invitations and sessions). */
  const useCasesAt = (clock: () => Date) => useCasesWith({ clock });

  const handlers: Record<keyof typeof routesByFunction, Handler> = {
    HttpTickets: (await import('../../../functions/http-tickets')).handler,
    HttpTopics: (await import('../../../functions/http-topics')).handler,
    HttpContacts: (await import('../../../functions/http-contacts')).handler,
    HttpRapidProV2: (await import('../../../functions/http-rapidpro-v2')).handler,
    // With the deployed admission (the API rate limit over this table).
    HttpAccess: (await import('../../../functions/handlers/http-access')).createAccessHandler(useCases, (await import('#wiring/adapters')).apiAdmission()),
    HttpFlows: (await import('../../../functions/http-flows')).handler,
    HttpTriggers: (await import('../../../functions/http-triggers')).handler,
    HttpChannels: (await import('../../../functions/http-channels')).handler,
  };
  const functionOf = new Map<string, keyof typeof routesByFunction>();
  for (const [functionId, group] of Object.entries(routesByFunction))
    for (const spec of Object.values(group)) functionOf.set(routeKey(spec), functionId as keyof typeof routesByFunction);
  const authorize = (await import('../../../functions/http-authorizer')).handler;

  /** Sends a request to the function that serves its route, as API Gateway would after the authorizer. */
  function request(options: RequestOptions): Promise<JsonResponse> {
    const functionId = functionOf.get(options.route);
    if (!functionId) throw new Error(`no function serves ${options.route}`);
    return call(handlers[functionId], options);
  }

  /** The secret in the link of the last invitation mailed to `email`. */
  function secretMailedTo(email: string): string {
    const message = outbox.filter((candidate) => candidate.to === email).at(-1);
    if (!message) throw new Error(`no mail to ${email}`);
    const link = /https?:\/\/\S+/.exec(message.text)?.[0];
    const secret = link ? new URL(link).searchParams.get('secret') : null;
    if (!secret) throw new Error(`no invitation link in the mail to ${email}`);
    return secret;
  }

  /** A workspace with an administrator added directly (as the local stack seeds one) and one member of every role who joined by invitation. */
  async function workspace(name: string) {
    const { uuid } = await useCases.createWorkspace({ name });
    const founder = await useCases.addMember({ workspace: uuid, email: `founder@${name}.example`, name: `${name} Founder`, role: 'administrator' });
    const asFounder = { workspace: uuid, user: founder.uuid, role: 'administrator' } satisfies Identity;
    const members = {} as Record<Role, { uuid: string; email: string; identity: Identity; token: string }>;
    for (const role of ['administrator', 'editor', 'agent', 'viewer'] as const) {
      const email = `${role}@${name}.example`;
      await useCases.inviteMembers({ actor: asFounder, emails: [email], role });
      const session = await useCases.acceptInvitation({ secret: secretMailedTo(email), name: `${name} ${role}`, password: PASSWORD });
      members[role] = { uuid: session.user.uuid, email, identity: { workspace: uuid, user: session.user.uuid, role }, token: session.token };
    }
    return { uuid, name, founder, asFounder, members };
  }

  return { tableName, client, useCases, useCasesAt, useCasesWith, outbox, handlers, request, authorize, secretMailedTo, workspace };
}

export type AccessWorld = Awaited<ReturnType<typeof createAccessWorld>>;
export const newUuid = () => randomUUID();
