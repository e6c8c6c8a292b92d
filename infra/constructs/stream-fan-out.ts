// The table stream's one reader: an EventBridge Pipe passes ticket and message
// records to the StreamFanOut function, which publishes each to the SNS FIFO
// fan-out topic; every consumer has its own SQS FIFO queue subscribed with a
// message-body filter (docs/architecture.md, "The fan-out"). Why a function
// between pipe and topic: pipes cannot target SNS FIFO topics.
import { RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import { FilterOrPolicy, SubscriptionFilter, type ITopic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { EventPattern } from '../local/event-pattern';

/**
 * What the pipe passes on: records whose new image is a ticket, a message or a folder counter
 * (everything a consumer subscribes to; counters for live updates' counts_changed).
 */
export const FAN_OUT_RECORD_FILTER = { dynamodb: { NewImage: { type: { S: ['ticket', 'msg', 'count'] } } } } satisfies EventPattern;

/** TicketEventsQueue (folder counts): every record whose new image is a ticket. */
export const TICKET_RECORD_FILTER = { dynamodb: { NewImage: { type: { S: ['ticket'] } } } } satisfies EventPattern;

/**
 * ClosedTicketsQueue (closed-ticket triggers): a ticket item modified from status open to status closed.
 * SNS caps a filter's complexity (150, each value weighted by its nesting depth: CDK checks it), so
 * the pattern says no more than it must: an old and a new image together are a MODIFY, and an item
 * keeps its type, so the new image's type stands for both.
 */
export const CLOSED_TICKET_FILTER = {
  dynamodb: {
    OldImage: { status: { S: ['open'] } },
    NewImage: { type: { S: ['ticket'] }, status: { S: ['closed'] } },
  },
} satisfies EventPattern;

/** DeliveriesQueue (delivery to channels): a new outgoing message. Its status changes (MODIFY) are not sends. */
export const OUTGOING_MESSAGE_FILTER = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { type: { S: ['msg'] }, direction: { S: ['out'] } } },
} satisfies EventPattern;

/**
 * LiveUpdatesQueue (live updates, docs/live-updates.md): tickets (ticket_changed), messages (msg_created,
 * msg_status_changed) and folder counters (counts_changed: sent after the TicketEventsConsumer wrote
 * them, so a client reading them sees the new counts).
 */
export const LIVE_UPDATE_FILTER = { dynamodb: { NewImage: { type: { S: ['ticket', 'msg', 'count'] } } } } satisfies EventPattern;

export const PIPE_SOURCE_SETTINGS = {
  startingPosition: 'LATEST',
  // PublishBatch takes 10 entries: one call per batch.
  batchSize: 10,
  // Finite, so a record that keeps failing cannot block its shard for the stream's 24 h retention.
  maximumRetryAttempts: 10,
  maximumRecordAgeInSeconds: 3600,
  onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
} as const;

/** An event pattern (plain JSON, as the pipe and the tests read it) as an SNS message-body filter policy. */
export function bodyFilterPolicy(pattern: EventPattern): Record<string, FilterOrPolicy> {
  return Object.fromEntries(
    Object.entries(pattern).map(([key, value]) => [
      key,
      Array.isArray(value)
        ? FilterOrPolicy.filter(SubscriptionFilter.stringFilter({ allowlist: value.map(String) }))
        : FilterOrPolicy.policy(bodyFilterPolicy(value)),
    ]),
  );
}

/**
 * Subscribes a consumer's FIFO queue to the fan-out topic: raw delivery (the body is the
 * stream record exactly as the pipe passed it), filtered on that body. CDK adds the queue
 * policy that lets the topic (and only it, by aws:SourceArn) send to the queue.
 */
export function subscribeQueue(topic: ITopic, queue: IQueue, filter: EventPattern): void {
  topic.addSubscription(new SqsSubscription(queue, { rawMessageDelivery: true, filterPolicyWithMessageBody: bodyFilterPolicy(filter) }));
}

export interface StreamFanOutPipeProps {
  readonly table: ITable;
  /** The StreamFanOut function, invoked synchronously with each batch. */
  readonly target: IFunction;
  readonly deadLetterQueue: IQueue;
}

export class StreamFanOutPipe extends Construct {
  readonly pipe: CfnPipe;
  readonly role: Role;
  /** The pipe's own log: ERROR level, so a batch the target refused says why (without the records' contents). */
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: StreamFanOutPipeProps) {
    super(scope, id);
    const streamArn = props.table.tableStreamArn;
    if (!streamArn) throw new Error('StreamFanOutPipe needs a table with a stream');
    this.logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });

    // Written out rather than through grant helpers: the pipe reads one stream, invokes one
    // function and parks records in one queue, nothing more. Inline, so the policy exists
    // before the pipe (which checks its permissions on creation) without an extra dependency.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('pipes.amazonaws.com'),
      inlinePolicies: {
        StreamToFunction: new PolicyDocument({
          statements: [
            new PolicyStatement({
              effect: Effect.ALLOW,
              actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
              resources: [streamArn],
            }),
            // ListStreams takes no resource: IAM only accepts "*" for it.
            new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:ListStreams'], resources: ['*'] }),
            new PolicyStatement({ effect: Effect.ALLOW, actions: ['lambda:InvokeFunction'], resources: [props.target.functionArn] }),
            new PolicyStatement({ effect: Effect.ALLOW, actions: ['sqs:SendMessage'], resources: [props.deadLetterQueue.queueArn] }),
            new PolicyStatement({ effect: Effect.ALLOW, actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
          ],
        }),
      },
    });

    this.pipe = new CfnPipe(this, 'Pipe', {
      roleArn: this.role.roleArn,
      source: streamArn,
      sourceParameters: {
        dynamoDbStreamParameters: {
          ...PIPE_SOURCE_SETTINGS,
          deadLetterConfig: { arn: props.deadLetterQueue.queueArn },
        },
        filterCriteria: { filters: [{ pattern: JSON.stringify(FAN_OUT_RECORD_FILTER) }] },
      },
      target: props.target.functionArn,
      // Synchronous: the batch counts as delivered only once the function published it,
      // and a failed invocation is retried (then parked in the DLQ) in stream order.
      targetParameters: { lambdaFunctionParameters: { invocationType: 'REQUEST_RESPONSE' } },
      // Errors only, and no execution data: the records carry contacts' names and messages.
      logConfiguration: { level: 'ERROR', cloudwatchLogsLogDestination: { logGroupArn: this.logGroup.logGroupArn } },
    });
  }
}
