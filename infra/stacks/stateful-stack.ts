// What holds data and must outlive any deployment of the code: the single
// table, the fan-out topic with its consumer queues, the attachments bucket
// and the channel-secrets key. The stateless stack receives them as props
// (cross-stack references) and can be replaced freely.
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { FifoThroughputScope, Topic } from 'aws-cdk-lib/aws-sns';
import { DeduplicationScope, FifoThroughputLimit, Queue } from 'aws-cdk-lib/aws-sqs';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import type { Construct } from 'constructs';
import { tableIndexes } from '../../shared/adapters/dynamodb/table';
import type { EventPattern } from '../local/event-pattern';
import { FlowTimerStore } from '../constructs/flow-timers';
import { CLOSED_TICKET_FILTER, LIVE_UPDATE_FILTER, OUTGOING_MESSAGE_FILTER, TICKET_RECORD_FILTER, subscribeQueue } from '../constructs/stream-fan-out';

/** Consumer timeout; the queue's visibility timeout is derived from it. */
export const TICKET_EVENTS_CONSUMER_TIMEOUT = Duration.seconds(30);

/**
 * AWS's rule for SQS event sources: visibility ≥ 6 × function timeout, so that
 * a message is not handed out again while the batch holding it may still be
 * in flight (retries of a throttled invoke included).
 */
export const TICKET_EVENTS_VISIBILITY_TIMEOUT = Duration.seconds(6 * TICKET_EVENTS_CONSUMER_TIMEOUT.toSeconds());

/**
 * Receives before a ticket event is parked in the DLQ. The consumer retries a
 * failed event after 1, 2, 4, then every 8 s (functions/handlers/ticket-events-consumer.ts),
 * so 120 receives ride out about 15 minutes of storage outage — what 5
 * receives of the 180 s visibility timeout did — while the counts catch up
 * within seconds after it.
 */
export const TICKET_EVENTS_MAX_RECEIVE_COUNT = 120;

/**
 * The closed-ticket consumer waits for the flow engine's first sprint per close (typically well under
 * a second; FlowEngine's own limit is 30 s). Should a slow engine outlast it, the batch is redelivered
 * and the engine's idempotency key keeps the start single.
 */
export const CLOSED_TICKETS_CONSUMER_TIMEOUT = Duration.seconds(30);
export const CLOSED_TICKETS_VISIBILITY_TIMEOUT = Duration.seconds(6 * CLOSED_TICKETS_CONSUMER_TIMEOUT.toSeconds());
/** Receives before a close whose flow keeps failing to start is parked in the DLQ (to be redriven). */
export const CLOSED_TICKETS_MAX_RECEIVE_COUNT = 5;

/** The delivery consumer sends a small batch of messages to channel gateways (each call times out after 10 s). */
export const DELIVERIES_CONSUMER_TIMEOUT = Duration.seconds(30);
export const DELIVERIES_VISIBILITY_TIMEOUT = Duration.seconds(6 * DELIVERIES_CONSUMER_TIMEOUT.toSeconds());
/** Receives before a message that keeps failing to reach its gateway is parked in the DLQ (to be redriven). */
export const DELIVERIES_MAX_RECEIVE_COUNT = 5;

/** Live updates (docs/live-updates.md): the consumer posts a batch's events within its timeout. */
export const LIVE_UPDATES_VISIBILITY_TIMEOUT = Duration.seconds(6 * 30);
/** Live events are worth little late: after 3 failed receives a record is parked in the DLQ. */
export const LIVE_UPDATES_MAX_RECEIVE_COUNT = 3;

/** Incomplete multipart uploads of attachments are cleaned up after this long. */
export const ATTACHMENT_UPLOAD_ABORT_AFTER = Duration.days(1);
/** S3 server access logs (of the attachments bucket) are kept this long. */
export const ACCESS_LOGS_RETENTION = Duration.days(90);
/** Generated length of the channel-secrets key (letters and digits). */
export const CHANNEL_SECRETS_KEY_LENGTH = 64;

export class StatefulStack extends Stack {
  readonly table: Table;
  /**
   * The ordered fan-out of the table stream (docs/architecture.md, "The fan-out"): the StreamFanOut
   * function publishes each ticket and message record here, message group = the record's pk,
   * deduplication id = its stream eventID.
   */
  readonly fanOutTopic: Topic;
  /** Ticket stream records (folder counts), one message group per ticket. */
  readonly ticketEventsQueue: Queue;
  readonly ticketEventsDeadLetterQueue: Queue;
  /** Where the pipe parks stream records it could not deliver (a pipe DLQ for a stream source must be a standard queue). */
  readonly pipeDeadLetterQueue: Queue;
  /** Ticket closes (old image open, new image closed), one message group per ticket: docs/triggers.md. */
  readonly closedTicketsQueue: Queue;
  readonly closedTicketsDeadLetterQueue: Queue;
  /** New outgoing messages (INSERT of a msg with direction out), one message group per contact: the delivery consumer's. */
  readonly deliveriesQueue: Queue;
  readonly deliveriesDeadLetterQueue: Queue;
  /** Ticket, message and count records for live updates, one message group per ticket, contact or workspace's counts. */
  readonly liveUpdatesQueue: Queue;
  readonly liveUpdatesDeadLetterQueue: Queue;
  /** Message attachments, uploaded by browsers with presigned PUTs. */
  readonly attachmentsBucket: Bucket;
  /** The attachments bucket's server access logs. */
  readonly accessLogsBucket: Bucket;
  /** The key that encrypts channel secrets (auth headers, bot tokens) stored in the table. */
  readonly channelSecretsKey: Secret;
  /** Pending flow timers (a schedule group) and their dead-letter queue: docs/flow-engine-service.md, "Timers". */
  readonly flowTimerStore: FlowTimerStore;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    // S3 server access logs are delivered under a bucket policy (logging.s3.amazonaws.com), as AWS
    // recommends, not through the legacy LogDeliveryWrite ACL: set on the stack, so tests and `cdk synth` agree.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);

    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: 'ttl',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The indexes as the code declares them (keys and projections: shared/adapters/dynamodb/entities/ticket.ts).
    for (const index of tableIndexes()) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType[index.projectionType],
        ...(index.nonKeyAttributes ? { nonKeyAttributes: index.nonKeyAttributes } : {}),
      });
    }

    this.fanOutTopic = new Topic(this, 'FanOutTopic', {
      fifo: true,
      // The publisher sets the stream eventID as deduplication id; the body alone would not tell two records apart.
      contentBasedDeduplication: false,
      // High-throughput FIFO: ordering is only needed within a message group (a ticket, a contact).
      fifoThroughputScope: FifoThroughputScope.MESSAGE_GROUP,
      enforceSSL: true,
    });

    [this.ticketEventsQueue, this.ticketEventsDeadLetterQueue] = this.consumerQueue('TicketEvents', {
      visibilityTimeout: TICKET_EVENTS_VISIBILITY_TIMEOUT,
      maxReceiveCount: TICKET_EVENTS_MAX_RECEIVE_COUNT,
      filter: TICKET_RECORD_FILTER,
    });
    [this.closedTicketsQueue, this.closedTicketsDeadLetterQueue] = this.consumerQueue('ClosedTickets', {
      visibilityTimeout: CLOSED_TICKETS_VISIBILITY_TIMEOUT,
      maxReceiveCount: CLOSED_TICKETS_MAX_RECEIVE_COUNT,
      filter: CLOSED_TICKET_FILTER,
    });
    [this.deliveriesQueue, this.deliveriesDeadLetterQueue] = this.consumerQueue('Deliveries', {
      visibilityTimeout: DELIVERIES_VISIBILITY_TIMEOUT,
      maxReceiveCount: DELIVERIES_MAX_RECEIVE_COUNT,
      filter: OUTGOING_MESSAGE_FILTER,
    });
    // Live updates (docs/live-updates.md).
    [this.liveUpdatesQueue, this.liveUpdatesDeadLetterQueue] = this.consumerQueue('LiveUpdates', {
      visibilityTimeout: LIVE_UPDATES_VISIBILITY_TIMEOUT,
      maxReceiveCount: LIVE_UPDATES_MAX_RECEIVE_COUNT,
      filter: LIVE_UPDATE_FILTER,
    });
    this.pipeDeadLetterQueue = new Queue(this, 'PipeDeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
    });

    // Who read or wrote which attachment (presigned requests included): S3 server access logs.
    this.accessLogsBucket = new Bucket(this, 'AccessLogsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED, // server access log delivery does not support SSE-KMS
      enforceSSL: true,
      lifecycleRules: [{ expiration: ACCESS_LOGS_RETENTION }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.attachmentsBucket = new Bucket(this, 'AttachmentsBucket', {
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'attachments/',
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Browsers upload (PUT) and read (GET) attachments with presigned URLs, from the agent
      // inbox's origin: the signature, not the origin, is what authorizes a request.
      cors: [
        {
          allowedMethods: [HttpMethods.PUT, HttpMethods.GET, HttpMethods.HEAD],
          allowedOrigins: ['*'],
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: ATTACHMENT_UPLOAD_ABORT_AFTER }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.channelSecretsKey = new Secret(this, 'ChannelSecretsKey', {
      description: 'Ticketer: the key that encrypts channel secrets stored in the table',
      generateSecretString: { passwordLength: CHANNEL_SECRETS_KEY_LENGTH, excludePunctuation: true, includeSpace: false },
      // Losing it would make every stored channel secret unreadable.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Flow timers: the schedules are data (pending timeouts and expirations), so their group lives here.
    this.flowTimerStore = new FlowTimerStore(this, 'FlowTimerStore');
    new CfnOutput(this, 'FlowTimersDeadLetterQueueUrl', { value: this.flowTimerStore.deadLetterQueue.queueUrl });

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'FanOutTopicArn', { value: this.fanOutTopic.topicArn });
    new CfnOutput(this, 'TicketEventsQueueUrl', { value: this.ticketEventsQueue.queueUrl });
    new CfnOutput(this, 'TicketEventsDeadLetterQueueUrl', { value: this.ticketEventsDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'PipeDeadLetterQueueUrl', { value: this.pipeDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'ClosedTicketsQueueUrl', { value: this.closedTicketsQueue.queueUrl });
    new CfnOutput(this, 'ClosedTicketsDeadLetterQueueUrl', { value: this.closedTicketsDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'DeliveriesQueueUrl', { value: this.deliveriesQueue.queueUrl });
    new CfnOutput(this, 'DeliveriesDeadLetterQueueUrl', { value: this.deliveriesDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'LiveUpdatesQueueUrl', { value: this.liveUpdatesQueue.queueUrl });
    new CfnOutput(this, 'LiveUpdatesDeadLetterQueueUrl', { value: this.liveUpdatesDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'AttachmentsBucketName', { value: this.attachmentsBucket.bucketName });
    new CfnOutput(this, 'ChannelSecretsKeyArn', { value: this.channelSecretsKey.secretArn });
  }

  /**
   * A consumer's FIFO queue (`<name>Queue`) and FIFO dead-letter queue (`<name>DeadLetterQueue`),
   * subscribed to the fan-out topic with a filter on the record.
   */
  private consumerQueue(name: string, options: { visibilityTimeout: Duration; maxReceiveCount: number; filter: EventPattern }): [Queue, Queue] {
    const deadLetterQueue = new Queue(this, `${name}DeadLetterQueue`, {
      fifo: true,
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
    });
    const queue = new Queue(this, `${name}Queue`, {
      fifo: true,
      // The topic passes the stream eventID on as deduplication id.
      contentBasedDeduplication: false,
      // High-throughput FIFO: one message group per ticket or contact, so ordering is only needed within a group.
      deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      visibilityTimeout: options.visibilityTimeout,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: options.maxReceiveCount },
      enforceSSL: true,
    });
    subscribeQueue(this.fanOutTopic, queue, options.filter);
    return [queue, deadLetterQueue];
  }
}
