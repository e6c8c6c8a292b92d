// The fan-out's mapping of a pipe batch to PublishBatch calls: every record
// once, in stream order, at most 10 to a call, grouped by its partition key,
// deduplicated by its eventID, the message being the record's own JSON; and
// what a refused entry or a malformed record does to the invocation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createStreamFanOut,
  fanOutBatches,
  FanOutPublishError,
  MalformedStreamRecordError,
  PUBLISH_BATCH_LIMIT,
  type FanOutEntry,
  type FanOutPublisher,
} from '#use-cases/stream-fan-out';

/** Stream records as the pipe passes them: eventID, keys, images with arbitrary attributes. */
const streamRecord = fc.record({
  eventID: fc.string({ minLength: 1, maxLength: 40 }),
  eventName: fc.constantFrom('INSERT', 'MODIFY', 'REMOVE'),
  dynamodb: fc.record({
    Keys: fc.record({ pk: fc.record({ S: fc.string({ minLength: 1, maxLength: 60 }) }), sk: fc.record({ S: fc.string({ maxLength: 20 }) }) }),
    NewImage: fc.dictionary(fc.string({ maxLength: 8 }), fc.record({ S: fc.string({ maxLength: 30 }) }), { maxKeys: 4 }),
  }),
});

describe('fanOutBatches', () => {
  it('maps each record to one entry, in order, ≤ 10 a batch, group = pk, dedup = eventID, message = the record JSON', () => {
    fc.assert(
      fc.property(fc.array(streamRecord, { maxLength: 35 }), (records) => {
        const batches = fanOutBatches(records);
        expect(batches.every((batch) => batch.length >= 1 && batch.length <= PUBLISH_BATCH_LIMIT)).toBe(true);
        expect(batches.length).toBe(Math.ceil(records.length / PUBLISH_BATCH_LIMIT));
        const entries = batches.flat();
        expect(entries.map((entry) => JSON.parse(entry.message))).toEqual(records);
        expect(entries.map((entry) => entry.groupId)).toEqual(records.map((record) => record.dynamodb.Keys.pk.S));
        expect(entries.map((entry) => entry.deduplicationId)).toEqual(records.map((record) => record.eventID));
        for (const batch of batches) {
          expect(batch.every((entry) => /^[A-Za-z0-9_-]{1,80}$/.test(entry.id))).toBe(true);
          expect(new Set(batch.map((entry) => entry.id)).size).toBe(batch.length);
        }
      }),
    );
  });

  it('refuses a record without eventID or partition key, whatever else the batch holds', () => {
    fc.assert(
      fc.property(fc.array(streamRecord, { maxLength: 12 }), fc.nat(), fc.constantFrom({ eventID: '' }, { dynamodb: {} }, null), (records, at, broken) => {
        const batch: unknown[] = [...records];
        batch.splice(at % (records.length + 1), 0, broken === null ? null : { ...records[0], ...broken });
        expect(() => fanOutBatches(batch)).toThrow(MalformedStreamRecordError);
      }),
    );
  });
});

describe('createStreamFanOut', () => {
  const recordingPublisher = (refuse: (entry: FanOutEntry) => boolean = () => false) => {
    const calls: FanOutEntry[][] = [];
    const publisher: FanOutPublisher = {
      async publishBatch(entries) {
        calls.push(entries);
        return { failed: entries.filter(refuse).map((entry) => ({ id: entry.id, reason: 'InvalidParameter: Message too long' })) };
      },
    };
    return { calls, publisher };
  };
  const records = (count: number) =>
    Array.from({ length: count }, (_, index) => ({ eventID: `e${index}`, dynamodb: { Keys: { pk: { S: `WS#w#CONTACT#c${index % 3}` } } } }));

  it('publishes the batches one after the other and counts what went out', async () => {
    const { calls, publisher } = recordingPublisher();
    expect(await createStreamFanOut({ publisher })(records(23))).toEqual({ published: 23 });
    expect(calls.map((call) => call.length)).toEqual([10, 10, 3]);
    expect(calls.flat().map((entry) => entry.deduplicationId)).toEqual(records(23).map((record) => record.eventID));
  });

  it('fails the invocation on a refused entry and stops there, so the pipe retries the batch', async () => {
    const { calls, publisher } = recordingPublisher((entry) => entry.deduplicationId === 'e12');
    const failure = await createStreamFanOut({ publisher })(records(25)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(FanOutPublishError);
    expect((failure as FanOutPublishError).failures).toEqual([{ id: 'r12', reason: 'InvalidParameter: Message too long' }]);
    expect(calls).toHaveLength(2);
  });

  it('publishes nothing for an empty batch', async () => {
    const { calls, publisher } = recordingPublisher();
    expect(await createStreamFanOut({ publisher })([])).toEqual({ published: 0 });
    expect(calls).toEqual([]);
  });
});
