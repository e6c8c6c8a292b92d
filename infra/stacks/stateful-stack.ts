// What holds data and must outlive any deployment of the code: the single
// table and the queues of the event pipeline. The stateless stack receives
// them as props (cross-stack references) and can be replaced freely.
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { DeduplicationScope, FifoThroughputLimit, Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** gsi1 … gsi5: folders by status, by assignee, by topic; tickets by modified_on; a contact's tickets (docs/architecture.md). */
export const GSI_COUNT = 5;

/** Consumer timeout; the queue's visibility timeout is derived from it. */
export const TICKET_EVENTS_CONSUMER_TIMEOUT = Duration.seconds(30);

/**
 * AWS's rule for SQS event sources: visibility ≥ 6 × function timeout, so that
 * a message is not handed out again while the batch holding it may still be
 * in flight (retries of a throttled invoke included).
 */
export const TICKET_EVENTS_VISIBILITY_TIMEOUT = Duration.seconds(6 * TICKET_EVENTS_CONSUMER_TIMEOUT.toSeconds());

/** Receives before a ticket event is parked in the DLQ. */
export const TICKET_EVENTS_MAX_RECEIVE_COUNT = 5;

/**
 * The closed-ticket consumer waits for the flow engine's first sprint per close (typically well under
 * a second; FlowEngine's own limit is 30 s). Should a slow engine outlast it, the batch is redelivered
 * and the engine's idempotency key keeps the start single.
 */
export const CLOSED_TICKETS_CONSUMER_TIMEOUT = Duration.seconds(30);
export const CLOSED_TICKETS_VISIBILITY_TIMEOUT = Duration.seconds(6 * CLOSED_TICKETS_CONSUMER_TIMEOUT.toSeconds());
/** Receives before a close whose flow keeps failing to start is parked in the DLQ (to be redriven). */
export const CLOSED_TICKETS_MAX_RECEIVE_COUNT = 5;

export class StatefulStack extends Stack {
  readonly table: Table;
  /** Ticket stream records, one message group per ticket, dedup by stream eventID. */
  readonly ticketEventsQueue: Queue;
  readonly ticketEventsDeadLetterQueue: Queue;
  /** Where the pipe parks stream records it could not deliver (a pipe DLQ for a stream source must be a standard queue). */
  readonly pipeDeadLetterQueue: Queue;
  /** Ticket closes (old image open, new image closed), one message group per ticket, dedup by stream eventID: docs/triggers.md. */
  readonly closedTicketsQueue: Queue;
  readonly closedTicketsDeadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: 'ttl',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (let n = 1; n <= GSI_COUNT; n++) {
      this.table.addGlobalSecondaryIndex({
        indexName: `gsi${n}`,
        partitionKey: { name: `gsi${n}pk`, type: AttributeType.STRING },
        sortKey: { name: `gsi${n}sk`, type: AttributeType.STRING },
      });
    }

    this.ticketEventsDeadLetterQueue = new Queue(this, 'TicketEventsDeadLetterQueue', {
      fifo: true,
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
    });
    this.ticketEventsQueue = new Queue(this, 'TicketEventsQueue', {
      fifo: true,
      // The pipe sets the stream eventID as deduplication id; the body alone would not tell two records apart.
      contentBasedDeduplication: false,
      // High-throughput FIFO: one message group per ticket, so ordering is only needed within a group.
      deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      visibilityTimeout: TICKET_EVENTS_VISIBILITY_TIMEOUT,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.ticketEventsDeadLetterQueue, maxReceiveCount: TICKET_EVENTS_MAX_RECEIVE_COUNT },
      enforceSSL: true,
    });
    this.closedTicketsDeadLetterQueue = new Queue(this, 'ClosedTicketsDeadLetterQueue', {
      fifo: true,
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
    });
    this.closedTicketsQueue = new Queue(this, 'ClosedTicketsQueue', {
      fifo: true,
      contentBasedDeduplication: false,
      deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      visibilityTimeout: CLOSED_TICKETS_VISIBILITY_TIMEOUT,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.closedTicketsDeadLetterQueue, maxReceiveCount: CLOSED_TICKETS_MAX_RECEIVE_COUNT },
      enforceSSL: true,
    });
    this.pipeDeadLetterQueue = new Queue(this, 'PipeDeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
    });

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'TicketEventsQueueUrl', { value: this.ticketEventsQueue.queueUrl });
    new CfnOutput(this, 'TicketEventsDeadLetterQueueUrl', { value: this.ticketEventsDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'PipeDeadLetterQueueUrl', { value: this.pipeDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'ClosedTicketsQueueUrl', { value: this.closedTicketsQueue.queueUrl });
    new CfnOutput(this, 'ClosedTicketsDeadLetterQueueUrl', { value: this.closedTicketsDeadLetterQueue.queueUrl });
  }
}
