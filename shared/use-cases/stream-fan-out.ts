// The fan-out of the table stream (docs/architecture.md, "The fan-out"): the
// pipe hands the StreamFanOut function a batch of stream records, and each
// record is published once to the SNS FIFO fan-out topic, from where every
// consumer's queue receives the records its filter selects. The topic's
// subscriptions deliver raw, so a consumer's message body is the record as the
// pipe passed it — what the pipes put on the queues before the fan-out.

/** One record to publish: FIFO group, deduplication id, and the message (the record's JSON). */
export interface FanOutEntry {
  /** Unique within one batch call (PublishBatch entry ids: `[A-Za-z0-9_-]{1,80}`). */
  id: string;
  /**
   * The record's partition key `dynamodb.Keys.pk.S`: a ticket's records share `WS#w#TICKET#t`,
   * so its transitions stay in order; a message's is its contact's `WS#w#CONTACT#c`, so a
   * contact's messages are delivered in the order they were written.
   */
  groupId: string;
  /** The stream record's `eventID`: a re-published record (a pipe retry) is dropped by SNS FIFO within 5 minutes, and by each FIFO queue. */
  deduplicationId: string;
  message: string;
}

export interface FanOutFailure {
  id: string;
  reason: string;
}

/** The port to the topic (shared/adapters/sns/fan-out-publisher.ts): one batch call, at most PUBLISH_BATCH_LIMIT entries. */
export interface FanOutPublisher {
  publishBatch(entries: FanOutEntry[]): Promise<{ failed: FanOutFailure[] }>;
}

/** Entries in one PublishBatch call (SNS's limit). */
export const PUBLISH_BATCH_LIMIT = 10;

/** A record the fan-out cannot publish (no eventID or partition key): the invocation fails, so the pipe retries, then parks the batch. */
export class MalformedStreamRecordError extends Error {
  override readonly name = 'MalformedStreamRecordError';
}

/** Some entries were refused: the invocation fails so that the pipe retries the batch (deduplication absorbs what did go out). */
export class FanOutPublishError extends Error {
  override readonly name = 'FanOutPublishError';
  constructor(readonly failures: FanOutFailure[]) {
    super(`${failures.length} record(s) not published: ${failures.map((failure) => `${failure.id} (${failure.reason})`).join('; ')}`);
  }
}

/** The batches to publish, in stream order; entry ids are positions in the pipe's batch. */
export function fanOutBatches(records: readonly unknown[]): FanOutEntry[][] {
  const entries = records.map((record, index): FanOutEntry => {
    const { eventID, dynamodb } = (record ?? {}) as { eventID?: unknown; dynamodb?: { Keys?: { pk?: { S?: unknown } } } };
    const groupId = dynamodb?.Keys?.pk?.S;
    if (typeof eventID !== 'string' || !eventID || typeof groupId !== 'string' || !groupId) {
      throw new MalformedStreamRecordError(`record ${index} has no eventID or dynamodb.Keys.pk.S`);
    }
    return { id: `r${index}`, groupId, deduplicationId: eventID, message: JSON.stringify(record) };
  });
  const batches: FanOutEntry[][] = [];
  for (let start = 0; start < entries.length; start += PUBLISH_BATCH_LIMIT) batches.push(entries.slice(start, start + PUBLISH_BATCH_LIMIT));
  return batches;
}

export function createStreamFanOut(deps: { publisher: FanOutPublisher }) {
  /** Publishes the batches one after the other (a later one never overtakes an earlier one); throws on the first refusal. */
  return async function fanOut(records: readonly unknown[]): Promise<{ published: number }> {
    let published = 0;
    for (const batch of fanOutBatches(records)) {
      const { failed } = await deps.publisher.publishBatch(batch);
      if (failed.length) throw new FanOutPublishError(failed);
      published += batch.length;
    }
    return { published };
  };
}
