// How long the ticket events consumer takes to apply one SQS batch of 10
// stream records (Lambda's batch size for the counts queue), on DynamoDB Local:
// 10 tickets of one workspace (their counters contend), 10 tickets of 10
// workspaces (no contention: what parallel groups could gain most on), and 10
// changes of one ticket (one FIFO group: always in order); each batch as the
// consumer handles it (groups side by side) and with its records in turn (a
// single Powertools FIFO processor over the batch). Each side is run
// as measured on DynamoDB Local, and again with a fixed delay added in front
// of every counts write (a stand-in for the network time a write costs on AWS,
// which DynamoDB Local on the same machine does not have). Not a test: it
// measures and reports, it asserts no time limit. Run alone (not by npm run
// bench).
//
//   npx tsx bench/counts-batch.ts [--iterations 30] [--latency-ms 10]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { createCountsRepository } from '#adapters/dynamodb/counts-repository';
import { toTicketItem } from '#adapters/dynamodb/entities/ticket';
import { tableDefinition } from '#adapters/dynamodb/table';
import type { Ticket } from '#domain/ticket';
import { createTicketCounts, type CountsStore } from '#use-cases/ticket-counts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from '../infra/local/emulators';
import type { BenchFigure, BenchSection } from './report';


const NOW = '2026-11-29T10:00:00.000000Z';

function openTicket(workspace: string): Ticket {
  return {
    workspace, uuid: randomUUID(), status: 'open', contact: randomUUID(), topic: 'general', assignee: null, opened_on: NOW, opened_by: null, opened_in: null,
    modified_on: NOW, last_activity_on: NOW, closed_on: null, replied_on: null, last_message: null, version: 1,
  };
}

let sequence = 0;
/** A stream record as the pipe delivers it (the shape of a DynamoDB stream record in a pipe's Lambda event). */
function streamRecord(before: Ticket | null, after: Ticket) {
  const item = toTicketItem(after);
  return {
    eventID: randomUUID(),
    eventName: before ? 'MODIFY' : 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: LOCAL_REGION,
    dynamodb: {
      ApproximateCreationDateTime: 1764410400,
      Keys: marshall({ pk: item.pk, sk: item.sk }),
      NewImage: marshall(item, { removeUndefinedValues: true }),
      ...(before ? { OldImage: marshall(toTicketItem(before), { removeUndefinedValues: true }) } : {}),
      SequenceNumber: String(++sequence).padStart(21, '0'),
      SizeBytes: 512,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: `arn:aws:dynamodb:${LOCAL_REGION}:000000000000:table/bench/stream/now`,
  };
}

/** The queue's event for these records: one message group per ticket, as the fan-out publishes them, or all in `oneGroup`. */
function sqsEvent(records: ReturnType<typeof streamRecord>[], oneGroup?: string): SQSEvent {
  return {
    Records: records.map((record) => {
      const id = randomUUID();
      return {
        messageId: id, receiptHandle: id, body: JSON.stringify(record),
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'pipe', ApproximateFirstReceiveTimestamp: '0', MessageGroupId: oneGroup ?? String(record.dynamodb.Keys.pk?.S) },
        messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: `arn:aws:sqs:${LOCAL_REGION}:000000000000:ticket-events.fifo`, awsRegion: LOCAL_REGION,
      };
    }),
  };
}

const SHAPES = {
  'one workspace, 10 tickets': () => { const workspace = randomUUID(); return Array.from({ length: 10 }, () => streamRecord(null, openTicket(workspace))); },
  '10 workspaces, 10 tickets': () => Array.from({ length: 10 }, () => streamRecord(null, openTicket(randomUUID()))),
  'one ticket, 10 changes': () => {
    const workspace = randomUUID();
    let current = openTicket(workspace);
    return Array.from({ length: 10 }, (_, index) => {
      if (index === 0) return streamRecord(null, current);
      const next: Ticket = { ...current, status: current.status === 'open' ? 'closed' : 'open', version: current.version + 1 };
      const record = streamRecord(current, next);
      current = next;
      return record;
    });
  },
} as const;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function runCountsBatchBench(options: { iterations?: number; latencyMs?: number } = {}): Promise<BenchSection> {
  const iterations = options.iterations ?? 30;
  const latencyMs = options.latencyMs ?? 10;
  const emulator = await startDynamoDbLocal();
  try {
    const client = new DynamoDBClient({ endpoint: emulator.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const tableName = `counts-bench-${randomUUID()}`;
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
    // The handler's logger reads its level when it is loaded.
    process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
    const { createTicketEventsHandler } = await import('../functions/handlers/ticket-events-consumer');
    const repository = createCountsRepository({ client, tableName });
    const delayed: CountsStore = {
      applyDeltas: async (input) => (await new Promise((resolve) => setTimeout(resolve, latencyMs)), repository.applyDeltas(input)),
    };
    const sides = { 'DynamoDB Local': repository, [`+${latencyMs} ms a write`]: delayed };
    const figures: BenchFigure[] = [];
    const rows: string[] = [];
    // Each batch twice, alternately (so that both meet the same load on a shared machine): as the queue groups
    // it (a group per ticket: the groups go side by side), and as one group (its records in turn: what one
    // Powertools FIFO processor over the whole batch does).
    const modes = { 'groups side by side': undefined, 'in turn': 'one-group' } as const;
    for (const [sideName, store] of Object.entries(sides)) {
      const handler = createTicketEventsHandler(createTicketCounts({ counts: store }));
      for (const [shapeName, shape] of Object.entries(SHAPES)) {
        const times = new Map<string, number[]>(Object.keys(modes).map((mode) => [mode, []]));
        for (let run = -3; run < iterations; run++) {
          for (const [mode, group] of Object.entries(modes)) {
            const event = sqsEvent(shape(), group);
            const start = performance.now();
            const { batchItemFailures } = await handler(event);
            const ms = performance.now() - start;
            if (batchItemFailures.length) throw new Error(`${shapeName}: ${batchItemFailures.length} record(s) failed`);
            if (run >= 0) times.get(mode)!.push(ms);
          }
        }
        const [sideBySide, inTurn] = [...times.values()].map(median) as [number, number];
        rows.push(`| ${shapeName} | ${sideName} | ${sideBySide.toFixed(1)} | ${inTurn.toFixed(1)} |`);
        figures.push({ name: `counts batch/${shapeName} (${sideName})/p50`, value: Number(sideBySide.toFixed(1)), unit: 'ms', better: 'lower' });
      }
    }
    const markdown = [
      `Batch of 10 stream records through the ticket events consumer, median of ${iterations} batches each (after 3 unmeasured):`,
      '',
      '| batch | storage | groups side by side (as built), ms | records in turn, ms |',
      '|---|---|---:|---:|',
      ...rows,
    ].join('\n');
    return { title: 'Counts consumer batch', markdown, figures };
  } finally {
    await emulator.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { iterations: { type: 'string' }, 'latency-ms': { type: 'string' } } });
  const section = await runCountsBatchBench({
    ...(values.iterations ? { iterations: Number(values.iterations) } : {}),
    ...(values['latency-ms'] ? { latencyMs: Number(values['latency-ms']) } : {}),
  });
  console.log(`## ${section.title}\n\n${section.markdown}`);
}
