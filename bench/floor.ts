// The floor: for each benchmarked operation, the DynamoDB calls the stack
// makes for it (docs/architecture.md, "Access patterns", plus the HTTP API's
// rate-limit counter before every route; the proxy's record of the stack's
// calls is printed beside these so a drift shows), made directly
// with lib-dynamodb — no HTTP API, no Lambda, no handler, no use case. Keys,
// items and conditions follow the key design; items are built with the
// project's key builders and item mappers so they have the stack's sizes, and
// therefore its capacity units. Calls the stack makes in parallel are made in
// parallel here too. Each floor ticket is a fresh one of its own, taken
// through the same life cycle as the stack's, so every condition holds.
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { upsertContact, type ContactInput } from '#domain/contact';
import * as tickets from '#domain/ticket';
import { hashTokenSecret } from '#domain/workspace';
import { nowTimestamp } from '#domain/time';
import { fromTicketItem, TICKET_INDEXES, ticketIndexPartitions, ticketKeys, toTicketEventItem, toTicketItem } from '#adapters/dynamodb/entities/ticket';
import { contactKeys, fromContactItem, toContactItem } from '#adapters/dynamodb/entities/contact';
import { flowSessionKeys } from '#adapters/dynamodb/entities/flow-session';
import { IDEMPOTENCY_TTL_SECONDS, idempotencyKeys } from '#adapters/dynamodb/entities/idempotency';
import { fromMemberItem, memberKeys } from '#adapters/dynamodb/entities/member';
import { tokenKeys } from '#adapters/dynamodb/entities/token';
import { fromTopicItem } from '#adapters/dynamodb/entities/topic';
import { fromWorkspaceItem, workspaceKeys } from '#adapters/dynamodb/entities/workspace';
import {
  ITEM_TYPE,
  type TableKey,
} from '#adapters/dynamodb/keys';
import { TTL_ATTRIBUTE } from '#adapters/dynamodb/table';
import { ViewContext } from '#use-cases/views';
import type { WorkspaceDirectory } from '#use-cases/ports';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Item = Record<string, unknown>;

/** What the flow runtime sends with open_ticket (the subset the benchmark uses). */
export interface OpenTicketInput {
  idempotency_key: string;
  contact: ContactInput;
  topic: { name: string };
  note: string;
  opened_in: { uuid: string; name: string };
}

export interface FloorOptions {
  client: DynamoDBClient;
  tableName: string;
  workspace: string;
  /** The acting user of the agent commands (the demo administrator). */
  user: string;
  /** The API token the stack's requests carry: the authorizer resolves it on every request. */
  token: string;
}

export type Floor = ReturnType<typeof createFloor>;

export function createFloor({ client, tableName: TableName, workspace, user, token }: FloorOptions) {
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const TOTAL = { ReturnConsumedCapacity: 'TOTAL' } as const;

  const getItem = async (Key: TableKey, consistent: boolean) =>
    (await db.send(new GetCommand({ TableName, Key, ConsistentRead: consistent, ...TOTAL }))).Item;

  /** The workspace partition: workspace, members, topics (one page; the stack pages it too). */
  const queryWorkspace = async (consistent: boolean) =>
    (
      await db.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': workspaceKeys.partition(workspace) },
          ConsistentRead: consistent,
          ...TOTAL,
        }),
      )
    ).Items ?? [];

  const transactWrite = (items: TransactItem[]) => db.send(new TransactWriteCommand({ TransactItems: items, ...TOTAL }));

  const putIfAbsent = (Item: Item): TransactItem => ({ Put: { TableName, Item, ConditionExpression: 'attribute_not_exists(pk)' } });

  /**
   * What every HTTP request pays before its route: the authorizer resolves the token (GetItem
   * `TOKEN#<sha256>`, then member ∥ workspace; it has no cache since the inbox's cookie sessions).
   * The API's rate limit adds no call to most requests (a container writes its count every batch of
   * up to 50 requests: docs/benchmarks.md, "Rate limiting"), so the floor leaves it out.
   */
  async function admitApiRequest(): Promise<void> {
    await getItem(tokenKeys.token(hashTokenSecret(token)), false);
    await Promise.all([getItem(memberKeys.member(workspace, user), false), getItem(workspaceKeys.workspace(workspace), false)]);
  }

  /** The agent-command pattern: ticket ∥ workspace, then the conditional transaction ∥ the contact. */
  async function command(
    ticketId: string,
    decide: (ticket: tickets.Ticket, actor: tickets.Actor) => tickets.TransitionResult,
    contactOpenTicket?: 'claim' | 'release',
  ): Promise<void> {
    const [stored] = await Promise.all([getItem(ticketKeys.ticket(workspace, ticketId), true), queryWorkspace(true)]);
    if (!stored) throw new Error(`floor: ticket ${ticketId} is missing`);
    const ticket = fromTicketItem(stored);
    const result = decide(ticket, { user, now: nowTimestamp() });
    if (!result.changed) throw new Error(`floor: the command changed nothing on ticket ${ticketId}`);
    const writes: TransactItem[] = [
      {
        Put: {
          TableName,
          Item: toTicketItem(result.ticket),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': ticket.version },
        },
      },
      ...result.events.map((event) => putIfAbsent(toTicketEventItem(event))),
    ];
    const Key = contactKeys.contact(workspace, ticket.contact);
    if (contactOpenTicket === 'release')
      writes.push({
        Update: {
          TableName,
          Key,
          UpdateExpression: 'REMOVE open_ticket ADD version :one',
          ConditionExpression: 'open_ticket = :ticket',
          ExpressionAttributeValues: { ':ticket': ticket.uuid, ':one': 1 },
        },
      });
    if (contactOpenTicket === 'claim')
      writes.push({
        Update: {
          TableName,
          Key,
          UpdateExpression: 'SET open_ticket = :ticket ADD version :one',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(open_ticket)',
          ExpressionAttributeValues: { ':ticket': ticket.uuid, ':one': 1 },
        },
      });
    await Promise.all([getItem(Key, false), transactWrite(writes)]);
  }

  return {
    /** open_ticket as a flow runtime sends it: returns the new ticket's uuid. */
    async openTicket(input: OpenTicketInput): Promise<string> {
      const idempotencyKey = idempotencyKeys.record(workspace, 'open_ticket', input.idempotency_key);
      if (await getItem(idempotencyKey, true)) throw new Error('floor: idempotency key reused');
      const directory = toDirectory(await queryWorkspace(true));
      const topic = directory.topics.find((candidate) => candidate.name.toLowerCase() === input.topic.name.toLowerCase());
      if (!topic) throw new Error(`floor: no topic named ${input.topic.name}`);
      const storedContact = await getItem(contactKeys.contact(workspace, input.contact.uuid), true);
      const now = nowTimestamp();
      const { contact } = upsertContact(storedContact ? fromContactItem(storedContact) : null, workspace, input.contact, now);
      const opened = tickets.openTicket(
        { workspace, contact: contact.uuid, topic: topic.uuid, assignee: null, note: input.note, opened_in: input.opened_in },
        { user: null, now },
      );
      // The stored response has the size of the function's: same views, same JSON.
      const views = new ViewContext(directory, [contact]);
      const response = { ticket: views.ticket(opened.ticket), events: opened.events.map((event) => views.event(event)), error: null };
      await transactWrite([
        putIfAbsent(toTicketItem(opened.ticket)),
        ...opened.events.map((event) => putIfAbsent(toTicketEventItem(event))),
        {
          Put: {
            TableName,
            Item: toContactItem({ ...contact, open_ticket: opened.ticket.uuid, version: contact.version + 1 }),
            ConditionExpression: '(attribute_not_exists(pk)) AND attribute_not_exists(open_ticket)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        putIfAbsent({
          ...idempotencyKey,
          type: ITEM_TYPE.idempotency,
          response: JSON.stringify(response),
          [TTL_ATTRIBUTE]: Math.floor(Date.now() / 1000) + IDEMPOTENCY_TTL_SECONDS,
        }),
      ]);
      // URNs new to the contact are claimed for it: one conditional PutItem per URN (conversation-repository.ts, claimFreeUrns).
      const added = contact.urns.filter((urn) => !storedContact || !(storedContact.urns as string[] | undefined)?.includes(urn));
      await Promise.all(
        added.map((urn) =>
          db
            .send(
              new PutCommand({
                TableName,
                Item: { ...contactKeys.urn(workspace, urn), type: ITEM_TYPE.contactUrn, workspace, urn, contact_uuid: contact.uuid },
                ConditionExpression: 'attribute_not_exists(pk)',
                ...TOTAL,
              }),
            )
            .catch((error: Error) => {
              if (error.name !== 'ConditionalCheckFailedException') throw error;
            }),
        ),
      );
      return opened.ticket.uuid;
    },

    assign: async (ticketId: string, assignee: string) => {
      await admitApiRequest();
      await command(ticketId, (ticket, actor) => tickets.assignTicket(ticket, assignee, undefined, actor));
    },
    addNote: async (ticketId: string, note: string) => {
      await admitApiRequest();
      await command(ticketId, (ticket, actor) => tickets.addNote(ticket, note, actor));
    },
    changeTopic: async (ticketId: string, topic: string) => {
      await admitApiRequest();
      await command(ticketId, (ticket, actor) => tickets.changeTopic(ticket, topic, actor));
    },
    close: async (ticketId: string) => {
      await admitApiRequest();
      await command(ticketId, (ticket, actor) => tickets.closeTicket(ticket, actor), 'release');
    },
    reopen: async (ticketId: string) => {
      await admitApiRequest();
      await command(ticketId, (ticket, actor) => tickets.reopenTicket(ticket, actor), 'claim');
    },

    /**
     * Folder All, open, newest activity first: workspace, then one page of index entries (+1 to know
     * about the next; keys and contact uuids), then one BatchGet of the page's tickets and contacts.
     */
    async folderPage(pageSize: number): Promise<void> {
      await admitApiRequest();
      await queryWorkspace(false);
      const page = await db.send(
        new QueryCommand({
          TableName,
          IndexName: 'gsi1',
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': TICKET_INDEXES.gsi1.partitionKey },
          ExpressionAttributeValues: { ':pk': ticketIndexPartitions.status(workspace, 'open') },
          ScanIndexForward: false,
          Limit: pageSize + 1,
          ...TOTAL,
        }),
      );
      const entries = (page.Items ?? []).slice(0, pageSize);
      const contacts = [...new Set(entries.map((entry) => String(entry.contact_uuid)))];
      if (entries.length)
        await db.send(
          new BatchGetCommand({
            RequestItems: {
              [TableName]: {
                Keys: [...entries.map((entry) => ({ pk: entry.pk, sk: entry.sk })), ...contacts.map((contact) => contactKeys.contact(workspace, contact))],
              },
            },
            ...TOTAL,
          }),
        );
    },

    /** Ticket detail: the ticket with its history ∥ the workspace, then the contact ∥ its flow session. */
    async ticketDetail(ticketId: string): Promise<void> {
      await admitApiRequest();
      const [history] = await Promise.all([
        db.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': ticketKeys.partition(workspace, ticketId) },
            ConsistentRead: true,
            ...TOTAL,
          }),
        ),
        queryWorkspace(false),
      ]);
      const ticket = history.Items?.find((item) => item.type === ITEM_TYPE.ticket);
      if (!ticket) throw new Error(`floor: ticket ${ticketId} is missing`);
      // The contact ∥ its flow session (the contact's groups, consistent as the stack reads it).
      await Promise.all([getItem(contactKeys.contact(workspace, String(ticket.contact_uuid)), false), getItem(flowSessionKeys.session(workspace, String(ticket.contact_uuid)), true)]);
    },
  };
}

function toDirectory(items: Item[]): WorkspaceDirectory {
  const workspace = items.find((item) => item.type === ITEM_TYPE.workspace);
  if (!workspace) throw new Error('floor: the workspace is missing');
  return {
    workspace: fromWorkspaceItem(workspace),
    members: items.filter((item) => item.type === ITEM_TYPE.member).map(fromMemberItem),
    topics: items.filter((item) => item.type === ITEM_TYPE.topic).map(fromTopicItem),
  };
}
