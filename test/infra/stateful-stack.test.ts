import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableDefinition } from '#adapters/dynamodb/table';
import { TICKET_EVENTS_CONSUMER_TIMEOUT, TICKET_EVENTS_MAX_RECEIVE_COUNT } from '../../infra/stacks/stateful-stack';
import { onlyResource, synthTicketer } from './synth';

let synth: ReturnType<typeof synthTicketer>;
beforeAll(() => {
  synth = synthTicketer();
});

const GSIS = ['gsi1', 'gsi2', 'gsi3', 'gsi4', 'gsi5'];

describe('the stateful stack', () => {
  it('has the stack names the local stack reads cdk.out by', () => {
    expect(synth.statefulStack.stackName).toBe('TicketerStateful');
    expect(synth.statelessStack.stackName).toBe('TicketerStateless');
  });

  describe('the single table', () => {
    it('has string keys pk/sk, on-demand billing, a NEW_AND_OLD_IMAGES stream, TTL on `ttl` and point-in-time recovery', () => {
      synth.stateful.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    });

    it('is kept when the stack is deleted', () => {
      synth.stateful.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    });

    it('has gsi1…gsi5 keyed by string gsiNpk and a ticket timestamp, projecting keys (and the contact uuid) only', () => {
      const { Properties } = onlyResource(synth.stateful, 'AWS::DynamoDB::Table');
      expect(Properties.GlobalSecondaryIndexes).toHaveLength(GSIS.length);
      const sortKeys = { gsi1: 'last_activity_on', gsi2: 'last_activity_on', gsi3: 'last_activity_on', gsi4: 'modified_on', gsi5: 'opened_on' };
      for (const index of GSIS) {
        expect(Properties.GlobalSecondaryIndexes).toContainEqual({
          IndexName: index,
          KeySchema: [
            { AttributeName: `${index}pk`, KeyType: 'HASH' },
            { AttributeName: sortKeys[index as keyof typeof sortKeys], KeyType: 'RANGE' },
          ],
          // The folders and the v2 list read their page's tickets and contacts with one BatchGet (docs/benchmarks.md, "Index projections").
          Projection: index === 'gsi5' ? { ProjectionType: 'KEYS_ONLY' } : { ProjectionType: 'INCLUDE', NonKeyAttributes: ['contact_uuid'] },
        });
      }
      const stringAttributes = ['pk', 'sk', ...GSIS.map((index) => `${index}pk`), 'last_activity_on', 'modified_on', 'opened_on'];
      expect(Properties.AttributeDefinitions).toEqual(
        expect.arrayContaining(stringAttributes.map((name) => ({ AttributeName: name, AttributeType: 'S' }))),
      );
      expect(Properties.AttributeDefinitions).toHaveLength(stringAttributes.length);
    });

    it('agrees with tableDefinition(), the table the tests create on DynamoDB Local', () => {
      const { Properties } = onlyResource(synth.stateful, 'AWS::DynamoDB::Table');
      const local = tableDefinition('any');
      const byName = <T extends { AttributeName?: string; IndexName?: string }>(list: T[] = []) =>
        [...list].sort((a, b) => String(a.AttributeName ?? a.IndexName).localeCompare(String(b.AttributeName ?? b.IndexName)));
      expect(Properties.KeySchema).toEqual(local.KeySchema);
      expect(byName(Properties.AttributeDefinitions)).toEqual(byName(local.AttributeDefinitions));
      expect(byName(Properties.GlobalSecondaryIndexes)).toEqual(byName(local.GlobalSecondaryIndexes));
      expect(Properties.BillingMode).toBe(local.BillingMode);
      expect(Properties.StreamSpecification.StreamViewType).toBe(local.StreamSpecification?.StreamViewType);
    });
  });

  describe('the ticket events queues', () => {
    it('is a FIFO queue deduplicating by the id the fan-out sets, with a FIFO dead-letter queue after TICKET_EVENTS_MAX_RECEIVE_COUNT receives (the consumer backs off by itself)', () => {
      // The closed-tickets queues have the same shape: test/infra/closed-ticket-triggers.test.ts.
      const queue = onlyResource(synth.stateful, 'AWS::SQS::Queue', { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TicketEvents'), 'Arn'] } } });
      const dlq = { id: queue.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0] as string };
      expect(synth.stateful.toJSON().Resources[dlq.id].Properties).toMatchObject({ FifoQueue: true });
      expect(synth.stateful.toJSON().Resources[dlq.id].Properties.RedrivePolicy).toBeUndefined();
      synth.stateful.hasResourceProperties('AWS::SQS::Queue', {
        FifoQueue: true,
        ContentBasedDeduplication: false,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq.id, 'Arn'] }, maxReceiveCount: TICKET_EVENTS_MAX_RECEIVE_COUNT },
      });
    });

    it('keeps a message invisible for at least 6 × the consumer timeout', () => {
      const queue = onlyResource(synth.stateful, 'AWS::SQS::Queue', { RedrivePolicy: { maxReceiveCount: TICKET_EVENTS_MAX_RECEIVE_COUNT, deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TicketEvents'), 'Arn'] } } });
      const consumer = onlyResource(synth.stateless, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp('counts') });
      expect(consumer.Properties.Timeout).toBe(TICKET_EVENTS_CONSUMER_TIMEOUT.toSeconds());
      expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * consumer.Properties.Timeout);
    });

    it('has standard queues as the pipe’s and the flow timers’ dead-letter queues', () => {
      const standard = Object.keys(synth.stateful.findResources('AWS::SQS::Queue')).filter((id) => !synth.stateful.toJSON().Resources[id].Properties?.FifoQueue);
      expect(standard.map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['FlowTimerStoreFlowTimersDeadLetterQueue', 'PipeDeadLetterQueue']);
    });

    it('refuses unencrypted transport on every queue', () => {
      const policies = Object.values(synth.stateful.findResources('AWS::SQS::QueuePolicy'));
      // Four consumer queues, their four dead-letter queues, the pipe's and the flow timers' dead-letter queues.
      expect(policies).toHaveLength(10);
      for (const policy of policies) {
        expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
          expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        );
      }
    });
  });

  it('keeps the flow timers’ schedule group when the stack is deleted (deleting a group deletes its pending timers)', () => {
    const groups = Object.values(synth.stateful.findResources('AWS::Scheduler::ScheduleGroup'));
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('outputs the table name and the queue URLs', () => {
    const outputs = synth.stateful.findOutputs('*');
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['TableName', 'TicketEventsQueueUrl', 'TicketEventsDeadLetterQueueUrl', 'PipeDeadLetterQueueUrl']),
    );
  });
});
