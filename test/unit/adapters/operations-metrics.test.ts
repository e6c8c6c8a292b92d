// Ticketer's own metrics as CloudWatch receives them: the EMF line a function
// writes when its invocation ends (observed()), read back from the output.
// Tickets opened/closed, replies and first-response time come from the table
// stream records StreamFanOut publishes; deliveries sent/failed from the
// delivery consumer's results.
import { randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import fc from 'fast-check';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { streamMetrics, streamRecordMetrics } from '#adapters/dynamodb/stream-metrics';
import { deliveryMetrics } from '#adapters/observability/delivery-metrics';
import { observed } from '#adapters/observability/handler';
import { METRIC, METRICS_NAMESPACE, recordMetrics } from '#adapters/observability/metrics';
import type { Delivery, DeliveryResult } from '#use-cases/delivery';
import { pipeStreamRecord } from '../../support/stream-record';

/** The EMF documents written during a test (Powertools writes them with console.log under POWERTOOLS_DEV, else to stdout). */
let emitted: string[] = [];
beforeEach(() => {
  emitted = [];
  const capture = (chunk: unknown) => {
    for (const line of String(chunk).split('\n')) if (line.includes('"_aws"')) emitted.push(line);
  };
  vi.spyOn(console, 'log').mockImplementation(capture);
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
    if (String(chunk).includes('"_aws"')) return capture(chunk), true;
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write);
});
afterEach(() => vi.restoreAllMocks());

interface Emf {
  _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
}
const documents = (): Emf[] => emitted.map((line) => JSON.parse(line) as Emf);

const ticketImage = (over: Record<string, unknown>) => ({
  pk: 'WS#w#TICKET#t',
  sk: 'TICKET',
  type: 'ticket',
  workspace: 'w',
  uuid: 't',
  status: 'open',
  opened_on: '2026-11-29T10:00:00.000Z',
  replied_on: null,
  ...over,
});
const streamRecord = (eventName: 'INSERT' | 'MODIFY', after: Record<string, unknown>, before?: Record<string, unknown>) =>
  pipeStreamRecord({
    eventName,
    Keys: marshall({ pk: after.pk, sk: after.sk }),
    NewImage: marshall(after, { removeUndefinedValues: true }),
    OldImage: before && marshall(before, { removeUndefinedValues: true }),
  });
const message = (over: Record<string, unknown>) => ({ pk: 'WS#w#CONTACT#c', sk: `MSG#${randomUUID()}`, type: 'msg', workspace: 'w', contact: 'c', uuid: randomUUID(), created_on: '2026-11-29T07:00:00.000000Z', direction: 'out', status: 'queued', ...over });

describe('the metrics of the table stream', () => {
  it('a batch becomes one EMF line in the Ticketer namespace with the one dimension set {service}', async () => {
    const opened = ticketImage({});
    const replied = ticketImage({ replied_on: '2026-11-29T10:02:30.000Z' });
    const records = [
      streamRecord('INSERT', opened),
      streamRecord('MODIFY', replied, opened),
      streamRecord('INSERT', message({ ticket_uuid: 't', user_uuid: 'agent' })),
      streamRecord('MODIFY', ticketImage({ status: 'closed', replied_on: replied.replied_on }), replied),
    ];
    // What StreamFanOut does once the batch is published.
    await observed(async (batch: unknown[]) => recordMetrics(streamMetrics(batch)))(records);

    const [emf, ...others] = documents();
    expect(others).toEqual([]);
    expect(emf!._aws.CloudWatchMetrics).toHaveLength(1);
    const [directive] = emf!._aws.CloudWatchMetrics;
    expect(directive!.Namespace).toBe(METRICS_NAMESPACE);
    expect(directive!.Dimensions).toEqual([['service']]);
    expect(emf!.service).toBe('ticketer');
    expect(Object.fromEntries(directive!.Metrics.map((metric) => [metric.Name, metric.Unit]))).toEqual({
      [METRIC.ticketsOpened]: 'Count',
      [METRIC.firstResponseTime]: 'Seconds',
      [METRIC.replies]: 'Count',
      [METRIC.ticketsClosed]: 'Count',
    });
    expect(emf).toMatchObject({ TicketsOpened: 1, TicketsClosed: 1, Replies: 1, FirstResponseTime: 150 });
    // Nothing of a workspace, ticket or contact: dimensions and values only.
    expect(JSON.stringify(emf)).not.toMatch(/"(w|t|c)"|WS#/);
  });

  it('an invocation that recorded nothing writes no EMF line (and no Powertools warning)', async () => {
    const warn = vi.spyOn(console, 'warn');
    await observed(async (batch: unknown[]) => recordMetrics(streamMetrics(batch)))([streamRecord('INSERT', message({ direction: 'in' }))]);
    expect(documents()).toEqual([]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('metrics recorded before the handler threw are still written', async () => {
    const failing = observed(async () => {
      recordMetrics([{ name: METRIC.deliveriesFailed, unit: 'Count', value: 1 }]);
      throw new Error('boom');
    });
    await expect(failing(undefined)).rejects.toThrow('boom');
    expect(documents()[0]).toMatchObject({ DeliveriesFailed: 1 });
  });

  it('counts an open once (INSERT), a close only on open → closed, a reply only when outgoing with a ticket', () => {
    const open = ticketImage({});
    const closed = ticketImage({ status: 'closed' });
    const names = (record: unknown) => streamRecordMetrics(record).map((point) => point.name);
    expect(names(streamRecord('INSERT', open))).toEqual([METRIC.ticketsOpened]);
    expect(names(streamRecord('MODIFY', closed, open))).toEqual([METRIC.ticketsClosed]);
    expect(names(streamRecord('MODIFY', closed, closed))).toEqual([]);
    expect(names(streamRecord('MODIFY', open, closed))).toEqual([]); // a reopen
    expect(names(streamRecord('MODIFY', ticketImage({ topic_uuid: 'other' }), open))).toEqual([]);
    expect(names(streamRecord('INSERT', message({ ticket_uuid: 't' })))).toEqual([METRIC.replies]);
    expect(names(streamRecord('INSERT', message({ ticket_uuid: null })))).toEqual([]); // a flow's or the API's message without a ticket
    expect(names(streamRecord('INSERT', message({ ticket_uuid: 't', direction: 'in' })))).toEqual([]);
    expect(names(streamRecord('MODIFY', message({ ticket_uuid: 't', status: 'wired' }), message({ ticket_uuid: 't' })))).toEqual([]); // a status change
    expect(names({ eventName: 'REMOVE', dynamodb: { OldImage: marshall(open) } })).toEqual([]);
    expect(names(null)).toEqual([]);
    expect(names({ dynamodb: { NewImage: 'not an image' } })).toEqual([]);
  });

  it('first-response time is replied_on − opened_on in seconds, once per ticket (the first reply), never negative', () => {
    const instant = fc.integer({ min: Date.parse('2020-01-01'), max: Date.parse('2030-01-01') });
    fc.assert(
      fc.property(instant, instant, (openedMs, repliedMs) => {
        const opened = ticketImage({ opened_on: new Date(openedMs).toISOString() });
        const replied = ticketImage({ opened_on: opened.opened_on, replied_on: new Date(repliedMs).toISOString() });
        const firstReply = streamRecordMetrics(streamRecord('MODIFY', replied, opened)).filter((point) => point.name === METRIC.firstResponseTime);
        if (repliedMs >= openedMs) expect(firstReply).toEqual([{ name: METRIC.firstResponseTime, unit: 'Seconds', value: (repliedMs - openedMs) / 1000 }]);
        else expect(firstReply).toEqual([]);
        // A later reply leaves replied_on as it was: no second data point.
        const later = streamRecordMetrics(streamRecord('MODIFY', { ...replied, last_activity_on: 'later' }, replied));
        expect(later.filter((point) => point.name === METRIC.firstResponseTime)).toEqual([]);
      }),
    );
  });
});

describe('the metrics of deliveries', () => {
  const channel = { uuid: 'c', name: 'c' };
  it('sent when wired; failed when refused, without a channel or out of retries; nothing for a skip or a retry to come', () => {
    const results: [DeliveryResult, string[]][] = [
      [{ kind: 'wired', channel, externalId: 'x' }, [METRIC.deliveriesSent]],
      [{ kind: 'failed', reason: 'no_channel' }, [METRIC.deliveriesFailed]],
      [{ kind: 'retry', reason: 'gateway 503', delaySeconds: 0, final: true }, [METRIC.deliveriesFailed]],
      [{ kind: 'retry', reason: 'gateway 503', delaySeconds: 10, final: false }, []],
      [{ kind: 'skipped', reason: 'status_wired' }, []],
    ];
    for (const [result, expected] of results) expect(deliveryMetrics(result).map((point) => point.name)).toEqual(expected);
  });

  describe('through the DeliveryConsumer handler', () => {
    let consumer: typeof import('../../../functions/handlers/delivery-consumer');
    beforeAll(async () => {
      process.env.TABLE_NAME ??= 'unused-by-these-tests';
      consumer = await import('../../../functions/handlers/delivery-consumer');
    });

    it('one batch → one EMF line with its sent and failed counts', async () => {
      const outcomes: DeliveryResult[] = [
        { kind: 'wired', channel, externalId: null },
        { kind: 'failed', reason: 'refused' },
        { kind: 'wired', channel, externalId: null },
      ];
      const delivery = { deliver: async () => outcomes.shift()! } as unknown as Delivery;
      const handler = observed(consumer.createDeliveryHandler(delivery, { delay: async () => {} }));
      const records = [0, 1, 2].map((index) => {
        const image = message({ uuid: `m${index}`, pk: `WS#w#CONTACT#c${index}`, sk: `MSG#2026-11-29T07:00:00.000000Z#m${index}` });
        return {
          messageId: randomUUID(),
          receiptHandle: 'rh',
          body: JSON.stringify(streamRecord('INSERT', image)),
          attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0', MessageGroupId: image.pk },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:deliveries.fifo',
          awsRegion: 'eu-west-1',
        };
      });
      await handler({ Records: records } as SQSEvent);
      const [emf, ...others] = documents();
      expect(others).toEqual([]);
      expect(emf).toMatchObject({ service: 'ticketer', DeliveriesSent: [1, 1], DeliveriesFailed: 1 });
    });
  });
});
