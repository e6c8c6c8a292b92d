// The DeliveryConsumer handler around the delivery use case: which records it
// delivers, how a retry is reported (visibility pushed to the backoff, the
// item failed, its contact's later messages held back), and that a poison
// record fails alone.
import { randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { backoffSeconds, type Delivery, type DeliveryResult } from '#use-cases/delivery';
import type { MessageLocation } from '#use-cases/channel-ports';
import { pipeStreamRecord } from '../../support/stream-record';

let consumer: typeof import('../../../functions/handlers/delivery-consumer');
beforeAll(async () => {
  process.env.TABLE_NAME ??= 'unused-by-these-tests';
  consumer = await import('../../../functions/handlers/delivery-consumer');
});

function record(image: Record<string, unknown>, { eventName = 'INSERT' as 'INSERT' | 'MODIFY', group = String(image.pk), receiveCount = '1' } = {}): SQSRecord {
  const body = JSON.stringify(pipeStreamRecord({ eventName, Keys: marshall({ pk: image.pk, sk: image.sk }), NewImage: marshall(image) }));
  const id = randomUUID();
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body,
    attributes: { ApproximateReceiveCount: receiveCount, SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0', MessageGroupId: group },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:deliveries.fifo',
    awsRegion: 'eu-west-1',
  };
}

const msg = (contact: string, text: string, direction = 'out') => ({
  pk: `WS#w#CONTACT#${contact}`,
  sk: `MSG#2026-11-29T07:00:00.000000Z#${text}`,
  type: 'msg',
  workspace: 'w',
  contact,
  uuid: text,
  created_on: '2026-11-29T07:00:00.000000Z',
  direction,
  status: 'queued',
});

function fakeDelivery(outcomes: Record<string, DeliveryResult>) {
  const calls: { location: MessageLocation; receiveCount: number }[] = [];
  const delivery = { deliver: async (input: { location: MessageLocation; receiveCount: number }) => (calls.push(input), outcomes[input.location.uuid] ?? { kind: 'wired', channel: { uuid: 'c', name: 'c' }, externalId: null }) } as Delivery;
  return { delivery, calls };
}

describe('the delivery consumer', () => {
  it('delivers outgoing message INSERTs only', async () => {
    const { delivery, calls } = fakeDelivery({});
    const delays: number[] = [];
    const handler = consumer.createDeliveryHandler(delivery, { delay: async (_r, s) => void delays.push(s) });
    const event: SQSEvent = {
      Records: [
        record(msg('a', 'm1')),
        record(msg('b', 'in1', 'in')),
        record(msg('c', 'm2'), { eventName: 'MODIFY' }),
        record({ ...msg('d', 't1'), type: 'ticket' }),
      ],
    };
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expect(calls.map((call) => call.location)).toEqual([{ workspace: 'w', contact: 'a', created_on: '2026-11-29T07:00:00.000000Z', uuid: 'm1' }]);
    expect(delays).toEqual([]);
  });

  it('on a retry: pushes the visibility of it and its contact\'s later messages to the backoff and fails them, other contacts go on', async () => {
    const { delivery, calls } = fakeDelivery({ m2: { kind: 'retry', reason: 'gateway_status_500', delaySeconds: 20, final: false } });
    const delays: [string, number][] = [];
    const handler = consumer.createDeliveryHandler(delivery, { delay: async (r, s) => void delays.push([r.receiptHandle, s]) });
    const records = [record(msg('a', 'm1')), record(msg('a', 'm2'), { receiveCount: '3' }), record(msg('a', 'm3')), record(msg('b', 'm4'))];
    const { batchItemFailures } = await handler({ Records: records });
    expect(batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual([records[1]!.messageId, records[2]!.messageId]);
    // The held-back message comes back with the retried one, not after the queue's visibility timeout.
    expect(delays.sort()).toEqual([[records[1]!.receiptHandle, 20], [records[2]!.receiptHandle, 20]].sort());
    expect(calls.map((call) => [call.location.uuid, call.receiveCount])).toEqual(expect.arrayContaining([['m1', 1], ['m2', 3], ['m4', 1]]));
    expect(calls.map((call) => call.location.uuid)).not.toContain('m3');
  });

  it('fails a poison record alone (it ends in the DLQ)', async () => {
    const { delivery } = fakeDelivery({});
    const handler = consumer.createDeliveryHandler(delivery, { delay: async () => undefined });
    const poison = { ...record(msg('a', 'm1')), body: '{"not": "a stream record"}', attributes: { ...record(msg('z', 'x')).attributes, MessageGroupId: 'poison' } };
    const fine = record(msg('b', 'm2'));
    expect((await handler({ Records: [poison, fine] })).batchItemFailures).toEqual([{ itemIdentifier: poison.messageId }]);
  });

  it('backs off exponentially from the base, capped at 15 minutes', () => {
    expect([1, 2, 3, 4].map((n) => backoffSeconds(n, 5))).toEqual([5, 10, 20, 40]);
    expect(backoffSeconds(20, 5)).toBe(900);
    expect(backoffSeconds(3, 0)).toBe(0);
  });
});
