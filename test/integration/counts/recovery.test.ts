// Recovery after a storage outage: the counts consumer runs behind the local
// stack's SQS event source (as Lambda's poller runs it) on a FIFO queue with
// the stack's 180 s visibility timeout and redrive count, and reaches
// DynamoDB Local through a proxy that the test cuts for a while — real
// connection failures. Once storage answers again, the counts converge within
// 15 s (failed events come back after 1, 2, 4, 8 s instead of 180 s), and
// exactly once: an event delivered twice is counted once.
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCountsRepository } from '#adapters/dynamodb/counts-repository';
import { sqsMessageVisibility } from '#adapters/sqs/retry-visibility';
import { countKey } from '#domain/folder-counts';
import { createTicketCounts } from '#use-cases/ticket-counts';
import type { LocalFunction } from '../../../infra/local/functions';
import { startSqsEventSource, type RunningEventSource } from '../../../infra/local/sqs-event-source';
import { TICKET_EVENTS_MAX_RECEIVE_COUNT, TICKET_EVENTS_VISIBILITY_TIMEOUT } from '../../../infra/stacks/stateful-stack';
import { createTable, dynamodb, nonZero, sendRecords, sqs, ticket, ticketStreamRecord } from './harness';

/** A TCP proxy to DynamoDB Local that can refuse every connection (and cut the open ones): a storage outage. */
async function startOutageProxy(target: URL) {
  let down = false;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (down) return client.destroy();
    const upstream = net.connect(Number(target.port), target.hostname);
    open.add(client).add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    setDown(value: boolean) {
      down = value;
      if (down) for (const socket of open) socket.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let tableName: string;
let proxy: Awaited<ReturnType<typeof startOutageProxy>>;
let source: RunningEventSource | undefined;

beforeAll(async () => {
  tableName = await createTable();
  // The consumer module reads its table once, when it is loaded, as in Lambda.
  process.env.TABLE_NAME = tableName;
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  proxy = await startOutageProxy(new URL(inject('dynamodbEndpoint')));
});

afterAll(async () => {
  await source?.stop();
  await proxy?.close();
});

describe('after a storage outage', () => {
  it('the counts converge within 15 s of storage coming back, counting every event once', async () => {
    const { createTicketEventsHandler } = await import('../../../functions/handlers/ticket-events-consumer');
    // The consumer's storage goes through the proxy; one retry of the SDK's own, so a failure is quick to report.
    const storage = new DynamoDBClient({ endpoint: proxy.endpoint, maxAttempts: 2 });
    const handler = createTicketEventsHandler(createTicketCounts({ counts: createCountsRepository({ client: storage, tableName }) }), sqsMessageVisibility(sqs));

    const name = `ticket-events-recovery-${randomUUID().slice(0, 8)}.fifo`;
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `dlq-${name}`, Attributes: { FifoQueue: 'true' } }));
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const created = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          FifoQueue: 'true',
          VisibilityTimeout: String(TICKET_EVENTS_VISIBILITY_TIMEOUT.toSeconds()),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: TICKET_EVENTS_MAX_RECEIVE_COUNT }),
        },
      }),
    );
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: created.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const consumer = {
      name: 'TicketEventsConsumer',
      invoke: async (event: unknown) => ({ ok: true as const, result: await handler(event as Parameters<typeof handler>[0]) }),
    } as unknown as LocalFunction;
    source = startSqsEventSource(
      { queue: { logicalId: 'TicketEventsQueue', id: 'TicketEvents', queueName: name, queueUrl: created.QueueUrl!, queueArn }, function: consumer, batchSize: 10, batchingWindowSeconds: 0, reportBatchItemFailures: true },
      sqs,
      { region: 'us-east-1', log: () => undefined, waitTimeSeconds: 1 },
    );

    // Storage goes down; 12 tickets open on 4 topics meanwhile, and one event arrives twice (a new deduplication id: what a redrive does).
    proxy.setDown(true);
    const workspace = randomUUID();
    const tickets = Array.from({ length: 12 }, (_, index) => ticket({ workspace, topic: `topic-${index % 4}` }));
    const records = tickets.map((opened) => ticketStreamRecord(null, opened));
    await sendRecords(created.QueueUrl!, records);
    await sendRecords(created.QueueUrl!, [records[0]!], () => randomUUID());
    const counts = createCountsRepository({ client: dynamodb, tableName });
    // Long enough for the backoff to reach its cap (1 + 2 + 4 s, then 8 s).
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    expect(nonZero(await counts.readCounts(workspace))).toEqual({});

    proxy.setDown(false);
    const back = Date.now();
    const expected = {
      [countKey.status('open')]: 12,
      [countKey.assignee(null, 'open')]: 12,
      ...Object.fromEntries([0, 1, 2, 3].map((topic) => [countKey.topic(`topic-${topic}`, 'open'), 3])),
    };
    let converged: number | null = null;
    while (Date.now() - back < 30_000) {
      if (JSON.stringify(nonZero(await counts.readCounts(workspace))) === JSON.stringify(nonZero(new Map(Object.entries(expected))))) {
        converged = Date.now() - back;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(converged, 'the counts did not converge within 30 s').not.toBeNull();
    expect(converged!).toBeLessThan(15_000);
    // Nothing more arrives later: exactly once, the duplicate included.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(nonZero(await counts.readCounts(workspace))).toEqual(expected);
    console.info(`counts converged ${converged} ms after storage came back`);
  }, 90_000);
});
