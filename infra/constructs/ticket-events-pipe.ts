// Table stream → EventBridge Pipe → SQS FIFO. The pipe keeps only ticket
// items, puts every record of a ticket in one message group (so a ticket's
// transitions are consumed in order) and uses the stream eventID as
// deduplication id (so a pipe retry within five minutes is dropped by SQS; the
// consumer's applied-event guard covers the rest).
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The event pattern the pipe filters on: stream records whose new image is a ticket. */
export const TICKET_RECORD_FILTER = { dynamodb: { NewImage: { type: { S: ['ticket'] } } } };

/** JSONPath into the stream record: the ticket's partition key, `WS#w#TICKET#t`. */
export const TICKET_MESSAGE_GROUP_ID = '$.dynamodb.Keys.pk.S';
export const STREAM_EVENT_ID = '$.eventID';

export const PIPE_SOURCE_SETTINGS = {
  startingPosition: 'LATEST',
  batchSize: 10,
  // Finite, so a record SQS keeps refusing cannot block its shard for the stream's 24 h retention.
  maximumRetryAttempts: 10,
  maximumRecordAgeInSeconds: 3600,
  onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
} as const;

export interface TicketEventsPipeProps {
  readonly table: ITable;
  /** The event pattern of the records to pass on (default TICKET_RECORD_FILTER: every ticket record). */
  readonly filter?: object;
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
}

export class TicketEventsPipe extends Construct {
  readonly pipe: CfnPipe;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: TicketEventsPipeProps) {
    super(scope, id);
    const streamArn = props.table.tableStreamArn;
    if (!streamArn) throw new Error('TicketEventsPipe needs a table with a stream');

    // Written out rather than through grant helpers: the pipe reads one stream and
    // sends to two queues, nothing more. Inline, so the policy exists before the
    // pipe (which checks its permissions on creation) without an extra dependency.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('pipes.amazonaws.com'),
      inlinePolicies: {
        StreamToQueue: new PolicyDocument({
          statements: [
            new PolicyStatement({
              effect: Effect.ALLOW,
              actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
              resources: [streamArn],
            }),
            // ListStreams takes no resource: IAM only accepts "*" for it.
            new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:ListStreams'], resources: ['*'] }),
            new PolicyStatement({
              effect: Effect.ALLOW,
              actions: ['sqs:SendMessage'],
              resources: [props.queue.queueArn, props.deadLetterQueue.queueArn],
            }),
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
        filterCriteria: { filters: [{ pattern: JSON.stringify(props.filter ?? TICKET_RECORD_FILTER) }] },
      },
      target: props.queue.queueArn,
      targetParameters: {
        sqsQueueParameters: { messageGroupId: TICKET_MESSAGE_GROUP_ID, messageDeduplicationId: STREAM_EVENT_ID },
      },
    });
  }
}
