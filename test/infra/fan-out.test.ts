// The table stream's fan-out in the templates: one pipe (ticket and message
// records) → the StreamFanOut function → one SNS FIFO topic → a FIFO queue per
// consumer, each subscribed with raw delivery and a filter on the record; and
// the stateful parts the channels need: the deliveries queues, the attachments
// bucket and the channel-secrets key.
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { matchesPattern } from '../../infra/local/event-pattern';
import {
  CHANNEL_SECRETS_KEY_LENGTH,
  DELIVERIES_CONSUMER_TIMEOUT,
  DELIVERIES_MAX_RECEIVE_COUNT,
  DELIVERIES_VISIBILITY_TIMEOUT,
} from '../../infra/stacks/stateful-stack';
import { isOwnLogGroupWriting, onlyResource, synthTicketer } from './synth';

let synth: ReturnType<typeof synthTicketer>;
beforeAll(() => {
  synth = synthTicketer();
});

const importOf = (fragment: string) => ({ 'Fn::ImportValue': expect.stringMatching(`^TicketerStateful:.*${fragment}`) });
const statefulResources = () => synth.stateful.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
const pipe = () => onlyResource(synth.stateless, 'AWS::Pipes::Pipe').Properties;
const fanOutFunction = () => onlyResource(synth.stateless, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp('fan-out topic') });
const topic = () => onlyResource(synth.stateful, 'AWS::SNS::Topic');
const subscriptionOf = (queue: string) =>
  onlyResource(synth.stateful, 'AWS::SNS::Subscription', { Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${queue}Queue`), 'Arn'] } }).Properties;

/** A stream record as the pipe passes it on. */
function record(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', image: Record<string, string>, oldImage?: Record<string, string>) {
  const attributes = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).map(([key, value]) => [key, { S: value }]));
  return {
    eventID: 'e1',
    eventName,
    dynamodb: { Keys: { pk: { S: 'WS#w#CONTACT#c' } }, NewImage: attributes(image), ...(oldImage ? { OldImage: attributes(oldImage) } : {}) },
  };
}
const outgoing = record('INSERT', { type: 'msg', direction: 'out', status: 'queued' });
const incoming = record('INSERT', { type: 'msg', direction: 'in', status: 'handled' });
const statusChange = record('MODIFY', { type: 'msg', direction: 'out', status: 'sent' }, { type: 'msg', direction: 'out', status: 'wired' });
const ticketOpened = record('INSERT', { type: 'ticket', status: 'open' });
const ticketClosed = record('MODIFY', { type: 'ticket', status: 'closed' }, { type: 'ticket', status: 'open' });
const contact = record('MODIFY', { type: 'contact' }, { type: 'contact' });
const counter = record('MODIFY', { type: 'count' }, { type: 'count' });

describe('the pipe', () => {
  it('is the stream’s one reader: ticket, message and folder-counter records, to the StreamFanOut function, invoked synchronously', () => {
    expect(pipe().Source).toEqual(importOf('TableCD117FA1StreamArn'));
    expect(pipe().Target).toEqual({ 'Fn::GetAtt': [fanOutFunction().id, 'Arn'] });
    expect(pipe().TargetParameters).toEqual({ LambdaFunctionParameters: { InvocationType: 'REQUEST_RESPONSE' } });
    const filters = pipe().SourceParameters.FilterCriteria.Filters as { Pattern: string }[];
    expect(filters).toHaveLength(1);
    const pattern = JSON.parse(filters[0]!.Pattern);
    for (const passed of [outgoing, incoming, statusChange, ticketOpened, ticketClosed, counter]) expect(matchesPattern(pattern, passed)).toBe(true);
    expect(matchesPattern(pattern, contact)).toBe(false);
  });

  it('reads from LATEST in batches a PublishBatch takes, with finite retries and record age, bisecting failed batches, into the standard DLQ', () => {
    const settings = pipe().SourceParameters.DynamoDBStreamParameters;
    expect(settings).toMatchObject({ StartingPosition: 'LATEST', OnPartialBatchItemFailure: 'AUTOMATIC_BISECT', DeadLetterConfig: { Arn: importOf('PipeDeadLetterQueue') } });
    expect(settings.BatchSize).toBeLessThanOrEqual(10);
    expect(settings.MaximumRetryAttempts).toBeGreaterThanOrEqual(0);
    expect(settings.MaximumRetryAttempts).toBeLessThanOrEqual(185);
    expect(settings.MaximumRecordAgeInSeconds).toBeGreaterThanOrEqual(60);
    expect(settings.MaximumRecordAgeInSeconds).toBeLessThan(24 * 3600);
  });

  it('runs as a role that may read the stream, invoke the fan-out function and park records in its DLQ, and nothing else', () => {
    const roleId = pipe().RoleArn['Fn::GetAtt'][0];
    const role = synth.stateless.toJSON().Resources[roleId];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'pipes.amazonaws.com' } }),
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = role.Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], Resource: importOf('TableCD117FA1StreamArn') },
      { Effect: 'Allow', Action: 'dynamodb:ListStreams', Resource: '*' },
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [fanOutFunction().id, 'Arn'] } },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: importOf('PipeDeadLetterQueue') },
      // Its own error log (docs/operations.md).
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [pipe().LogConfiguration.CloudwatchLogsLogDestination.LogGroupArn['Fn::GetAtt'][0], 'Arn'] } },
    ]);
    expect(Object.values(synth.stateless.findResources('AWS::IAM::Policy')).some((policy) => JSON.stringify(policy).includes(roleId))).toBe(false);
  });
});

describe('the StreamFanOut function', () => {
  it('names the topic in its environment and may only publish to it', () => {
    const fn = fanOutFunction();
    expect(fn.Properties.Environment.Variables.FAN_OUT_TOPIC_ARN).toEqual({ 'Fn::ImportValue': expect.stringMatching(/^TicketerStateful:.*FanOutTopic/) });
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values(synth.stateless.findResources('AWS::IAM::Policy'))
      .filter((policy) => policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleId))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .filter((statement) => !isOwnLogGroupWriting(statement));
    // Besides the traces every function writes (Tracing.ACTIVE).
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
      { Effect: 'Allow', Action: 'sns:Publish', Resource: fn.Properties.Environment.Variables.FAN_OUT_TOPIC_ARN },
    ]);
  });

  it('has no event source mapping (the pipe invokes it)', () => {
    const mappings = Object.values(synth.stateless.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings.some((mapping) => JSON.stringify(mapping).includes(fanOutFunction().id))).toBe(false);
  });
});

describe('the fan-out topic', () => {
  it('is an SNS FIFO topic deduplicating by the id the function sets, high-throughput per message group, TLS only', () => {
    expect(topic().Properties).toMatchObject({ FifoTopic: true, ContentBasedDeduplication: false, FifoThroughputScope: 'MessageGroup' });
    expect(topic().Properties.TopicName).toMatch(/\.fifo$/);
    const policy = onlyResource(synth.stateful, 'AWS::SNS::TopicPolicy').Properties;
    expect(policy.PolicyDocument.Statement).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  it('has exactly four subscriptions, SQS with raw delivery and a filter on the message body', () => {
    const subscriptions = Object.values(synth.stateful.findResources('AWS::SNS::Subscription'));
    expect(subscriptions).toHaveLength(4);
    for (const queue of ['TicketEvents', 'ClosedTickets', 'Deliveries', 'LiveUpdates']) {
      expect(subscriptionOf(queue)).toMatchObject({
        Protocol: 'sqs',
        TopicArn: { Ref: topic().id },
        RawMessageDelivery: true,
        FilterPolicyScope: 'MessageBody',
      });
    }
  });

  it('gives each consumer the records its filter selects', () => {
    const passes = (queue: string, event: unknown) => matchesPattern(subscriptionOf(queue).FilterPolicy, event);
    expect([outgoing, incoming, statusChange, ticketOpened, ticketClosed].map((event) => passes('TicketEvents', event))).toEqual([false, false, false, true, true]);
    expect([outgoing, incoming, statusChange, ticketOpened, ticketClosed].map((event) => passes('ClosedTickets', event))).toEqual([false, false, false, false, true]);
    expect([outgoing, incoming, statusChange, ticketOpened, ticketClosed].map((event) => passes('Deliveries', event))).toEqual([true, false, false, false, false]);
    // Live updates: tickets, every message change, and the folder counters (counts_changed); nothing else.
    expect([outgoing, incoming, statusChange, ticketOpened, ticketClosed, counter, contact].map((event) => passes('LiveUpdates', event))).toEqual([true, true, true, true, true, true, false]);
    for (const queue of ['TicketEvents', 'ClosedTickets', 'Deliveries']) expect(passes(queue, counter)).toBe(false);
  });

  it('may send to each subscribed queue through its queue policy, only from this topic', () => {
    for (const queue of ['TicketEvents', 'ClosedTickets', 'Deliveries', 'LiveUpdates']) {
      const queueId = subscriptionOf(queue).Endpoint['Fn::GetAtt'][0];
      const policy = onlyResource(synth.stateful, 'AWS::SQS::QueuePolicy', { Queues: [{ Ref: queueId }] }).Properties;
      expect(policy.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Principal: { Service: 'sns.amazonaws.com' },
          Condition: { ArnEquals: { 'aws:SourceArn': { Ref: topic().id } } },
        }),
      );
    }
  });
});

describe('the deliveries queues', () => {
  it('are FIFO with a FIFO DLQ after 5 receives, deduplicating per message group, visible again after 6 × the consumer timeout', () => {
    const queue = onlyResource(synth.stateful, 'AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeliveriesDeadLetterQueue'), 'Arn'] } },
    });
    expect(queue.Properties).toMatchObject({
      FifoQueue: true,
      ContentBasedDeduplication: false,
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
      RedrivePolicy: { maxReceiveCount: DELIVERIES_MAX_RECEIVE_COUNT },
    });
    expect(DELIVERIES_MAX_RECEIVE_COUNT).toBe(5);
    expect(queue.Properties.VisibilityTimeout).toBe(DELIVERIES_VISIBILITY_TIMEOUT.toSeconds());
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * DELIVERIES_CONSUMER_TIMEOUT.toSeconds());
    const dlqId = queue.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0];
    expect(statefulResources()[dlqId]!.Properties.FifoQueue).toBe(true);
    expect(statefulResources()[dlqId]!.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  it('are outputs and exports the lead wires the delivery consumer to', () => {
    const outputs = synth.stateful.findOutputs('*');
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['FanOutTopicArn', 'DeliveriesQueueUrl', 'DeliveriesDeadLetterQueueUrl', 'AttachmentsBucketName', 'ChannelSecretsKeyArn']),
    );
    expect(synth.statefulStack.deliveriesQueue.fifo).toBe(true);
    expect(synth.statefulStack.deliveriesDeadLetterQueue.fifo).toBe(true);
  });
});

describe('the attachments bucket', () => {
  it('is private, TLS only, encrypted, kept, and lets browsers PUT and GET through CORS', () => {
    const bucket = onlyResource(synth.stateful, 'AWS::S3::Bucket', { CorsConfiguration: Match.anyValue() });
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    const [rule, ...others] = bucket.Properties.CorsConfiguration.CorsRules;
    expect(others).toEqual([]);
    expect(rule.AllowedMethods).toEqual(expect.arrayContaining(['PUT', 'GET']));
    expect(rule.AllowedHeaders).toEqual(['*']);
    synth.stateful.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    const policy = onlyResource(synth.stateful, 'AWS::S3::BucketPolicy', { Bucket: { Ref: bucket.id } }).Properties;
    expect(policy.PolicyDocument.Statement).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  it('writes server access logs to the access-log bucket, delivered under its bucket policy (no ACL), kept 90 days', () => {
    const attachments = onlyResource(synth.stateful, 'AWS::S3::Bucket', { CorsConfiguration: Match.anyValue() });
    const logsId = attachments.Properties.LoggingConfiguration.DestinationBucketName.Ref;
    const logs = synth.stateful.toJSON().Resources[logsId];
    expect(logs.Properties.AccessControl).toBeUndefined();
    expect(logs.Properties.LifecycleConfiguration.Rules).toEqual([{ ExpirationInDays: 90, Status: 'Enabled' }]);
    expect(logs.DeletionPolicy).toBe('Retain');
    const policy = onlyResource(synth.stateful, 'AWS::S3::BucketPolicy', { Bucket: { Ref: logsId } }).Properties;
    expect(policy.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Condition: expect.objectContaining({ ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [attachments.id, 'Arn'] } } }),
      }),
    );
  });
});

describe('the channel-secrets key', () => {
  it('is a generated Secrets Manager secret of letters and digits, kept when the stack goes', () => {
    const secret = onlyResource(synth.stateful, 'AWS::SecretsManager::Secret');
    expect(secret.Properties.GenerateSecretString).toMatchObject({ PasswordLength: CHANNEL_SECRETS_KEY_LENGTH, ExcludePunctuation: true });
    expect(CHANNEL_SECRETS_KEY_LENGTH).toBeGreaterThanOrEqual(32);
    synth.stateful.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});
