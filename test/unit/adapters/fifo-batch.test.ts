// How the FIFO queue consumers work through a batch (shared/adapters/sqs/fifo-batch.ts,
// over Powertools Batch): for any batch and any set of records that fail, each
// group is handled in queue order up to its first failure, that record and the
// group's later ones are reported failed (in batch order) and come back after
// the group's delay; other groups are not held back (and go side by side);
// nothing is thrown, not even when every record fails.
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { processFifoBatch } from '#adapters/sqs/fifo-batch';

const sqsRecord = (id: string, group: string): SQSRecord => ({
  messageId: id,
  receiptHandle: `rh-${id}`,
  body: '{}',
  attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0', MessageGroupId: group },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q.fifo',
  awsRegion: 'us-east-1',
});

/** A batch of up to 10 records over up to 4 groups, and which of them fail when handled. */
const batches = fc
  .array(fc.record({ group: fc.constantFrom('a', 'b', 'c', 'd'), fails: fc.boolean() }), { minLength: 1, maxLength: 10 })
  .map((entries) => entries.map((entry, index) => ({ ...entry, record: sqsRecord(`m${index}`, entry.group) })));

describe('processFifoBatch', () => {
  it('handles each group in order up to its first failure, fails the rest of that group with the group\'s delay, and never throws', async () => {
    await fc.assert(
      fc.asyncProperty(batches, async (batch) => {
        const handled: string[] = [];
        const logged: string[] = [];
        const delays: [string, number][] = [];
        const failing = new Set(batch.filter((entry) => entry.fails).map((entry) => entry.record.messageId));
        const event: SQSEvent = { Records: batch.map((entry) => entry.record) };

        const response = await processFifoBatch(
          event,
          async (record) => {
            handled.push(record.messageId);
            if (failing.has(record.messageId)) throw new Error('storage unreachable');
          },
          {
            logFailure: (record) => void logged.push(record.messageId),
            retry: {
              visibility: { delay: async (record, seconds) => void delays.push([record.messageId, seconds]) },
              delayOf: (first) => Number(first.messageId.slice(1)) + 1,
            },
          },
        );

        // What the model says: per group, everything from its first failing record on fails.
        const expectedHandled: string[] = [];
        const expectedFailed: string[] = [];
        const expectedDelays: [string, number][] = [];
        const firstFailure = new Map<string, string>();
        for (const { group, record } of batch) {
          const first = firstFailure.get(group);
          if (first === undefined) expectedHandled.push(record.messageId);
          if (first !== undefined || failing.has(record.messageId)) {
            if (first === undefined) firstFailure.set(group, record.messageId);
            expectedFailed.push(record.messageId);
            expectedDelays.push([record.messageId, Number(firstFailure.get(group)!.slice(1)) + 1]);
          }
        }
        // Each group in queue order; the groups go side by side, so only the order within a group is promised.
        const inGroup = (ids: string[], group: string) => ids.filter((id) => batch.find((entry) => entry.record.messageId === id)!.group === group);
        for (const group of ['a', 'b', 'c', 'd']) expect(inGroup(handled, group)).toEqual(inGroup(expectedHandled, group));
        expect(handled.length).toBe(expectedHandled.length);
        expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(expectedFailed);
        expect(logged).toEqual(expectedFailed);
        expect(delays.sort()).toEqual(expectedDelays.sort());
      }),
    );
  });

  it('leaves the delay to the queue when there is none, and says so when one cannot be set', async () => {
    const records = [sqsRecord('m0', 'a'), sqsRecord('m1', 'b')];
    const delays: string[] = [];
    const response = await processFifoBatch(
      { Records: records },
      async () => {
        throw new Error('down');
      },
      {
        logFailure: () => undefined,
        retry: {
          visibility: {
            delay: async (record) => {
              delays.push(record.messageId);
              throw new Error('ChangeMessageVisibility refused');
            },
          },
          delayOf: (first) => (first.messageId === 'm0' ? null : 4),
        },
      },
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }, { itemIdentifier: 'm1' }]);
    expect(delays).toEqual(['m1']);
  });
});
