// The closed-ticket path in the templates: its FIFO queue subscribed to the
// stream's fan-out topic (body filter: open → closed), its FIFO DLQ with
// redrive, and the consumer that may read the table and invoke the flow
// engine, nothing more.
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { matchesPattern } from '../../infra/local/event-pattern';
import { CLOSED_TICKETS_CONSUMER_TIMEOUT, CLOSED_TICKETS_MAX_RECEIVE_COUNT } from '../../infra/stacks/stateful-stack';
import { onlyResource, synthTicketer } from './synth';

let synth: ReturnType<typeof synthTicketer>;
beforeAll(() => {
  synth = synthTicketer();
});

const importOf = (fragment: string) => ({ 'Fn::ImportValue': Match.stringLikeRegexp(`^TicketerStateful:.*${fragment}`) });
const subscription = () =>
  onlyResource(synth.stateful, 'AWS::SNS::Subscription', { Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClosedTicketsQueue'), 'Arn'] } }).Properties;
const consumer = () => onlyResource(synth.stateless, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp('closed-ticket trigger') });

/** A stream record as the pipe sees it: the ticket's old and new status. */
function record(oldStatus: string | null, newStatus: string | null, type = 'ticket') {
  const image = (status: string | null) => (status ? { type: { S: type }, status: { S: status } } : undefined);
  return {
    eventName: oldStatus && newStatus ? 'MODIFY' : newStatus ? 'INSERT' : 'REMOVE',
    dynamodb: { ...(oldStatus ? { OldImage: image(oldStatus) } : {}), ...(newStatus ? { NewImage: image(newStatus) } : {}) },
  };
}

describe('the closed-tickets subscription to the fan-out topic', () => {
  it('delivers the raw stream record (the body the consumer reads), filtered on that body', () => {
    expect(subscription()).toMatchObject({ Protocol: 'sqs', RawMessageDelivery: true, FilterPolicyScope: 'MessageBody' });
  });

  it('lets through exactly the transitions of a ticket from open to closed', () => {
    const pattern = subscription().FilterPolicy;
    expect(matchesPattern(pattern, record('open', 'closed'))).toBe(true);
    expect(matchesPattern(pattern, record('open', 'open'))).toBe(false); // a note, an assignment
    expect(matchesPattern(pattern, record('closed', 'open'))).toBe(false); // a reopen
    expect(matchesPattern(pattern, record('closed', 'closed'))).toBe(false);
    expect(matchesPattern(pattern, record(null, 'closed'))).toBe(false);
    expect(matchesPattern(pattern, record('open', null))).toBe(false); // a deletion
    expect(matchesPattern(pattern, record('open', 'closed', 'contact'))).toBe(false);
  });
});

describe('the closed-tickets queues', () => {
  it('are FIFO, with a FIFO dead-letter queue after a few receives and 6 × the consumer timeout of visibility', () => {
    const queue = onlyResource(synth.stateful, 'AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClosedTicketsDeadLetterQueue'), 'Arn'] }, maxReceiveCount: CLOSED_TICKETS_MAX_RECEIVE_COUNT },
    });
    expect(queue.Properties).toMatchObject({ FifoQueue: true, ContentBasedDeduplication: false, DeduplicationScope: 'messageGroup' });
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * consumer().Properties.Timeout);
    const dlqId = queue.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0];
    expect(synth.stateful.toJSON().Resources[dlqId].Properties.FifoQueue).toBe(true);
  });
});

describe('the closed-ticket consumer', () => {
  it('takes small batches from the closed-tickets queue and reports failed items one by one', () => {
    const mapping = onlyResource(synth.stateless, 'AWS::Lambda::EventSourceMapping', { EventSourceArn: importOf('ClosedTicketsQueue') }).Properties;
    expect(mapping).toMatchObject({ FunctionName: { Ref: consumer().id }, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    expect(mapping.BatchSize).toBeLessThanOrEqual(10);
    expect(consumer().Properties.Timeout).toBe(CLOSED_TICKETS_CONSUMER_TIMEOUT.toSeconds());
  });

  it('names the flow engine in its environment and may invoke it, read the table, and write nothing', () => {
    const engineId = onlyResource(synth.stateless, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^Flow engine') }).id;
    expect(consumer().Properties.Environment.Variables.FLOW_ENGINE_FUNCTION_NAME).toEqual({ Ref: engineId });
    const roleId = consumer().Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values(synth.stateless.findResources('AWS::IAM::Policy'))
      .filter((policy) => policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleId))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions).toContain('lambda:InvokeFunction');
    expect(actions.filter((action) => action.startsWith('dynamodb:')).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
    const invoke = statements.find((statement) => [statement.Action].flat().includes('lambda:InvokeFunction'))!;
    expect(JSON.stringify(invoke.Resource)).toContain(engineId);
  });
});
