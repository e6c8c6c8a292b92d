// Seeds the demo workspace of the local stack through the project's own use
// cases (not hand-written items), and remembers its token: the table only
// keeps the token's hash, so the secret lives in .local/seed.json for the next
// start. If the remembered token no longer resolves (the data was wiped), a
// new workspace is seeded.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { createUseCases } from '#use-cases/index';
import type { MailMessage } from '#use-cases/ports';
import { keepDemoChannel, seedDemoData } from './demo-data';

export interface DemoWorkspace {
  workspace: { uuid: string; name: string };
  administrator: { uuid: string; email: string; name: string };
  token: string;
  /** The administrator's password (sign-in on the inbox), when seeded with demo data. */
  password?: string;
  /** The demo agent, when seeded with demo data. */
  agent?: { uuid: string; email: string; name: string; password: string };
  /** The demo's External API channel ("Demo gateway", sending to the local demo gateway), when seeded with demo data. */
  channel?: { uuid: string };
}

export const DEMO_WORKSPACE_NAME = 'Demo workspace';
export const DEMO_ADMINISTRATOR = { email: 'admin@example.com', name: 'Demo Administrator' } as const;
export const DEMO_AGENT = { email: 'agent@example.com', name: 'Demo Agent' } as const;

export async function seedDemoWorkspace(options: {
  client: DynamoDBClient;
  tableName: string;
  /** Where the seeded token is remembered between runs; undefined = in memory only. */
  seedFile: string | undefined;
  log: (line: string) => void;
  /**
   * Also people with passwords, a channel sending to the demo gateway at gatewaySendUrl, contacts,
   * conversations and tickets (through the HTTP API at apiUrl).
   */
  demoData?: { apiUrl: string; gatewaySendUrl: string };
}): Promise<DemoWorkspace> {
  // Invitation mail stays in memory here: the seed accepts the invitations itself.
  const mailbox: MailMessage[] = [];
  const useCases = createUseCases({
    ...createDynamoDbRepositories({ client: options.client, tableName: options.tableName }),
    mail: { send: async (message) => void mailbox.push(message) },
  });
  if (options.seedFile && existsSync(options.seedFile)) {
    const remembered = JSON.parse(readFileSync(options.seedFile, 'utf8')) as DemoWorkspace;
    const identity = await useCases.resolveApiToken(remembered.token);
    if (identity?.workspace === remembered.workspace.uuid) {
      if (!options.demoData || !remembered.channel) return remembered;
      // The gateway may listen on another port than when the channel was made.
      const channel = await keepDemoChannel({ ...options.demoData, token: remembered.token, channel: remembered.channel, log: options.log });
      if (channel) return remembered;
      const { channel: _deleted, ...withoutChannel } = remembered;
      if (options.seedFile) writeFileSync(options.seedFile, `${JSON.stringify(withoutChannel, null, 2)}\n`);
      return withoutChannel;
    }
    options.log('the remembered demo token no longer works (data was reset): seeding again…');
  }
  options.log('seeding the demo workspace…');
  const workspace = await useCases.createWorkspace({ name: DEMO_WORKSPACE_NAME });
  if (options.demoData) {
    const seeded = await seedPeopleWithPasswords(useCases, workspace, mailbox);
    if (options.seedFile) writeFileSync(options.seedFile, `${JSON.stringify(seeded, null, 2)}\n`);
    const { channel } = await seedDemoData({ ...options.demoData, token: seeded.token, agent: seeded.agent!, log: options.log });
    const withChannel: DemoWorkspace = { ...seeded, channel };
    if (options.seedFile) writeFileSync(options.seedFile, `${JSON.stringify(withChannel, null, 2)}\n`);
    return withChannel;
  }
  const administrator = await useCases.addMember({ workspace: workspace.uuid, ...DEMO_ADMINISTRATOR, role: 'administrator' });
  const { token } = await useCases.issueApiToken({ workspace: workspace.uuid, user: administrator.uuid, name: 'local stack demo token' });
  const seeded: DemoWorkspace = {
    workspace: { uuid: workspace.uuid, name: workspace.name },
    administrator: { uuid: administrator.uuid, email: administrator.email, name: administrator.name },
    token,
  };
  if (options.seedFile) writeFileSync(options.seedFile, `${JSON.stringify(seeded, null, 2)}\n`);
  return seeded;
}

type UseCases = ReturnType<typeof createUseCases>;

/**
 * People get passwords only by accepting an invitation, so the seed does what
 * a first administrator would: a setup member invites the demo administrator,
 * who accepts with a new random password, invites the demo agent, and removes
 * the setup member. All through the use cases.
 */
async function seedPeopleWithPasswords(useCases: UseCases, workspace: { uuid: string; name: string }, mailbox: MailMessage[]): Promise<DemoWorkspace> {
  const secretFor = (email: string) => {
    const mail = mailbox.findLast((message) => message.to === email);
    const secret = mail && /[?&]secret=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
    if (!secret) throw new Error(`seed: no invitation mail for ${email}`);
    return secret;
  };
  const password = () => randomBytes(9).toString('base64url');
  const setup = await useCases.addMember({ workspace: workspace.uuid, email: 'setup@ticketer.invalid', name: 'Setup', role: 'administrator' });
  await useCases.inviteMembers({ actor: { workspace: workspace.uuid, user: setup.uuid }, emails: [DEMO_ADMINISTRATOR.email], role: 'administrator', acceptUrl: 'http://localhost/accept' });
  const adminPassword = password();
  const admin = await useCases.acceptInvitation({ secret: secretFor(DEMO_ADMINISTRATOR.email), name: DEMO_ADMINISTRATOR.name, password: adminPassword });
  const asAdmin = { workspace: workspace.uuid, user: admin.user.uuid };
  await useCases.removeMember({ actor: asAdmin, user: setup.uuid });
  await useCases.inviteMembers({ actor: asAdmin, emails: [DEMO_AGENT.email], role: 'agent', acceptUrl: 'http://localhost/accept' });
  const agentPassword = password();
  const agent = await useCases.acceptInvitation({ secret: secretFor(DEMO_AGENT.email), name: DEMO_AGENT.name, password: agentPassword });
  const { token } = await useCases.issueApiToken({ workspace: workspace.uuid, user: admin.user.uuid, name: 'local stack demo token' });
  return {
    workspace: { uuid: workspace.uuid, name: workspace.name },
    administrator: { uuid: admin.user.uuid, email: admin.user.email, name: admin.user.name },
    token,
    password: adminPassword,
    agent: { uuid: agent.user.uuid, email: agent.user.email, name: agent.user.name, password: agentPassword },
  };
}
