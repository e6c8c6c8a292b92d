// What the live-updates consumer makes of the records its queue delivers, and
// how its handler reports failures: a workspace whose publishing fails has its
// messages (and only those) redelivered; a malformed record is reported, not
// thrown.
import { marshall } from '@aws-sdk/util-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { toMessageItem } from '#adapters/dynamodb/entities/message';
import { toTicketItem } from '#adapters/dynamodb/entities/ticket';
import { liveChangeOf } from '#adapters/dynamodb/stream-record';
import type { MessageRecord } from '#use-cases/flow-ports';
import type { LiveChange } from '#use-cases/live';
import { createLiveUpdatesHandler } from '../../../functions/handlers/live-updates-consumer';
import { ticket } from '../../integration/counts/harness';
import { pipeStreamRecord } from '../../support/stream-record';

const record = (eventName: 'INSERT' | 'MODIFY', pk: string, sequence: string, newImage: Record<string, unknown>, oldImage?: Record<string, unknown>) =>
  JSON.stringify(
    pipeStreamRecord({
      eventID: `e${sequence}`,
      eventName,
      Keys: marshall({ pk, sk: 'x' }),
      SequenceNumber: sequence,
      NewImage: marshall(newImage, { removeUndefinedValues: true }),
      OldImage: oldImage && marshall(oldImage, { removeUndefinedValues: true }),
    }),
  );

const message: MessageRecord = {
  uuid: '0195f3a1-7c2e-7b3a-9d4e-1a2b3c4d5e6f',
  contact: 'c1',
  direction: 'out',
  type: 'text',
  status: 'queued',
  text: 'hi',
  attachments: [],
  urn: 'tel:+1',
  flow: null,
  created_on: '2026-11-29T10:00:00.000000Z',
  modified_on: '2026-11-29T10:00:00.000000Z',
};

describe('liveChangeOf', () => {
  it('reads a ticket change with its image before, a new message, a status change, and a counter (its workspace from the key)', () => {
    const before = ticket({ workspace: 'w1', version: 1 });
    const after = { ...before, assignee: 'u1', version: 2 };
    expect(liveChangeOf(record('MODIFY', 'WS#w1#TICKET#t', '10', toTicketItem(after), toTicketItem(before)))).toEqual({ workspace: 'w1', change: { kind: 'ticket', before, after } });
    expect(liveChangeOf(record('INSERT', 'WS#w1#CONTACT#c1', '11', toMessageItem('w1', message)))).toEqual({ workspace: 'w1', change: { kind: 'msg', created: true, message } });
    const sent = { ...message, status: 'wired' as const };
    expect(liveChangeOf(record('MODIFY', 'WS#w1#CONTACT#c1', '12', toMessageItem('w1', sent), toMessageItem('w1', message)))).toMatchObject({ change: { kind: 'msg', created: false, message: { status: 'wired' } } });
    expect(liveChangeOf(record('MODIFY', 'WS#w2#COUNTS', '123456789012345678901234567890', { pk: 'WS#w2#COUNTS', sk: 'STATUS#open', type: 'count', count: 3 }))).toEqual({
      workspace: 'w2',
      change: { kind: 'counts', sequence: '123456789012345678901234567890' },
    });
  });

  it('ignores what a client does not show: a message change that keeps its status, other item types', () => {
    const retried = { ...message, attempts: 2 };
    expect(liveChangeOf(record('MODIFY', 'WS#w1#CONTACT#c1', '13', toMessageItem('w1', retried), toMessageItem('w1', message)))).toBeNull();
    expect(liveChangeOf(record('MODIFY', 'WS#w1#CONTACT#c1', '14', { type: 'contact' }))).toBeNull();
  });

  it('throws on what is not a stream record', () => {
    expect(() => liveChangeOf('not json')).toThrow();
    expect(() => liveChangeOf(JSON.stringify({ eventName: 'INSERT', dynamodb: {} }))).toThrow();
  });
});

describe('the LiveUpdatesConsumer handler', () => {
  const sqs = (bodies: { id: string; body: string }[]): SQSEvent => ({
    Records: bodies.map(({ id, body }) => ({ messageId: id, body, attributes: { MessageGroupId: 'g' } }) as unknown as SQSEvent['Records'][number]),
  });

  it('publishes each workspace’s changes in order; a failing workspace’s messages and a malformed one are reported, the others are not', async () => {
    const published: { workspace: string; changes: readonly LiveChange[] }[] = [];
    const handler = createLiveUpdatesHandler({
      async publish(workspace, changes) {
        if (workspace === 'broken') throw new Error('DynamoDB unreachable');
        published.push({ workspace, changes });
        return { posted: 1 };
      },
    });
    const counter = (workspace: string, sequence: string) => record('MODIFY', `WS#${workspace}#COUNTS`, sequence, { type: 'count' });
    const result = await handler(
      sqs([
        { id: 'a1', body: counter('w1', '1') },
        { id: 'b1', body: counter('broken', '2') },
        { id: 'a2', body: counter('w1', '3') },
        { id: 'bad', body: '{' },
        { id: 'skip', body: record('MODIFY', 'WS#w1#CONTACT#c', '4', { type: 'contact' }) },
      ]),
    );
    expect(published).toEqual([{ workspace: 'w1', changes: [{ kind: 'counts', sequence: '1' }, { kind: 'counts', sequence: '3' }] }]);
    expect(result.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['b1', 'bad']);
  });
});
