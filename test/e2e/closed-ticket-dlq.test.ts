// A closed-ticket trigger whose flow engine fails, through the local stack's
// real pipeline (table stream → pipe → StreamFanOut → fan-out topic → closed-tickets FIFO queue →
// ClosedTicketConsumer → FlowEngine): the close is retried, parks in the
// closed-tickets DLQ with its full stream record, and once the cause is fixed
// a redrive starts the follow-up flow once — also when redriven twice.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ChangeMessageVisibilityCommand, GetQueueAttributesCommand, SendMessageCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowKeys } from '#adapters/dynamodb/entities/flow';
import { ticketKeys } from '#adapters/dynamodb/entities/ticket';
import type { LocalStack } from '../../infra/local/stack';
import { CLOSED_TICKETS_MAX_RECEIVE_COUNT } from '../../infra/stacks/stateful-stack';
import { receive, redrive } from '../integration/counts/harness';
import { exportOf, surveyFlow } from '../integration/triggers/fixtures';
import { apiClient, directory, eventually, startTestStack, ticketCommand } from './support';

const SURVEY = surveyFlow('d5000000-0000-4000-8000-000000000001');
const QUESTION = 'Thanks for contacting us about Billing. How would you rate it, 1 to 5?';

let stack: LocalStack;
let lambda: LambdaClient;
let sqs: SQSClient;
let dynamodb: DynamoDBClient;

beforeAll(async () => {
  stack = await startTestStack();
  const local = { region: stack.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  lambda = new LambdaClient({ ...local, endpoint: stack.lambdaEndpoint });
  sqs = new SQSClient({ ...local, endpoint: stack.sqsEndpoint, useQueueUrlAsEndpoint: false });
  dynamodb = new DynamoDBClient({ ...local, endpoint: stack.dynamodbEndpoint });
});

afterAll(async () => {
  await stack?.stop();
});

async function queueCounts(queueUrl: string): Promise<Record<string, string>> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Attributes ?? {};
}

const empty = (counts: Record<string, string>) => counts.ApproximateNumberOfMessages === '0' && counts.ApproximateNumberOfMessagesNotVisible === '0';

describe('a closed-ticket trigger whose flow engine fails', () => {
  it('retries the close, parks it in the DLQ with its full stream record, and starts the flow once when redriven (twice)', async () => {
    const { workspace, administrator } = await directory(stack).workspace(`DLQ ${randomUUID().slice(0, 6)}`);
    const api = apiClient(stack, administrator.token);
    const imported = await lambda.send(
      new InvokeCommand({
        FunctionName: stack.functions.FlowEngine!,
        InvocationType: 'RequestResponse',
        Payload: JSON.stringify({ command: 'import_flows', workspace: workspace.uuid, definitions: exportOf([SURVEY], [{ flow: SURVEY }]) }),
      }),
    );
    expect(JSON.parse(Buffer.from(imported.Payload!).toString()).triggers).toHaveLength(1);

    const contact = { uuid: randomUUID(), name: 'Dora' };
    const outgoing = async (): Promise<string[]> => {
      const page = await api('GET', `/contacts/${contact.uuid}/messages`);
      if (page.status === 404) return [];
      expect(page.status).toBe(200);
      return (page.body.results as { direction: string; text: string }[]).filter((message) => message.direction === 'out').map((message) => message.text);
    };
    const opened = await ticketCommand(stack)({
      command: 'open_ticket',
      workspace: workspace.uuid,
      idempotency_key: randomUUID(),
      contact: { ...contact, urns: ['tel:+250781234567'] },
      topic: { name: 'Billing' },
      assignee: null,
      note: 'needs a human',
    });
    const ticket = opened.body.ticket.uuid as string;

    // Why a broken definition and not a deleted flow: a deleted flow makes
    // start_flow answer `{"error": flow_not_found}`, a refusal the consumer
    // acknowledges (retrying cannot help), so it never reaches the DLQ. A
    // definition that is not JSON makes the FlowEngine throw while reading the
    // flow — a function error, which the consumer reports as a batch item
    // failure, as it would an out-of-memory crash or an unreachable engine.
    const surveyKey = flowKeys.flow(workspace.uuid, SURVEY.uuid as string);
    const flowKey = { pk: { S: surveyKey.pk }, sk: { S: surveyKey.sk } };
    const { Item: flowItem } = await dynamodb.send(new GetItemCommand({ TableName: stack.tableName, Key: flowKey, ConsistentRead: true }));
    const definition = flowItem!.definition!.S!;
    const storeDefinition = (text: string) =>
      dynamodb.send(
        new UpdateItemCommand({
          TableName: stack.tableName,
          Key: flowKey,
          UpdateExpression: 'SET #definition = :definition',
          ExpressionAttributeNames: { '#definition': 'definition' },
          ExpressionAttributeValues: { ':definition': { S: text } },
        }),
      );
    await storeDefinition('{"truncated');

    // This only shortens the wait between receives (the stack's 180 s); the
    // queue's redrive policy (5 receives, then the DLQ) stays the stack's own.
    const queueUrl = stack.queues.ClosedTicketsQueue!.url;
    const deadLetterQueueUrl = stack.queues.ClosedTicketsDeadLetterQueue!.url;
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { VisibilityTimeout: '1' } }));

    expect((await api('POST', `/tickets/${ticket}/close`)).status).toBe(200);

    // Redelivered until its receives run out; only then does fauxqs move it to the DLQ.
    const parked = await eventually(() => queueCounts(deadLetterQueueUrl), (counts) => counts.ApproximateNumberOfMessages === '1', 40_000);
    expect(parked.ApproximateNumberOfMessages).toBe('1');
    expect(await queueCounts(queueUrl)).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
    expect(await outgoing()).toEqual([]);

    const [inDlq, ...others] = await receive(deadLetterQueueUrl);
    expect(others).toEqual([]);
    expect(Number(inDlq!.Attributes?.ApproximateReceiveCount)).toBeGreaterThanOrEqual(CLOSED_TICKETS_MAX_RECEIVE_COUNT);
    const { Item: closedImage } = await dynamodb.send(
      new GetItemCommand({ TableName: stack.tableName, Key: { pk: { S: ticketKeys.ticket(workspace.uuid, ticket).pk }, sk: { S: 'TICKET' } }, ConsistentRead: true }),
    );
    const record = JSON.parse(inDlq!.Body!);
    expect(record).toMatchObject({ eventName: 'MODIFY', dynamodb: { NewImage: closedImage, OldImage: { uuid: { S: ticket }, status: { S: 'open' } } } });

    // Fixed: the definition restored. The redrive sends the DLQ's messages back to the queue.
    await storeDefinition(definition);
    // Looked at, not taken: visible again at once for the redrive.
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: deadLetterQueueUrl, ReceiptHandle: inDlq!.ReceiptHandle!, VisibilityTimeout: 0 }));
    expect(await redrive(deadLetterQueueUrl, queueUrl)).toBe(1);
    expect(await eventually(outgoing, (texts) => texts.length > 0)).toEqual([QUESTION]);

    // Redriven twice (an operator repeating the move): the engine answers the recorded start.
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: inDlq!.Body!, MessageGroupId: closedImage!.pk!.S!, MessageDeduplicationId: randomUUID() }));
    expect(await eventually(() => queueCounts(queueUrl), empty)).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
    expect(await outgoing()).toEqual([QUESTION]);
    expect(await queueCounts(deadLetterQueueUrl)).toMatchObject({ ApproximateNumberOfMessages: '0' });
  }, 90_000);
});
