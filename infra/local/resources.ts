// Creates the tables, queues, topics (with their subscriptions) and buckets the
// templates declare, on DynamoDB Local and fauxqs (which speaks SQS, SNS and S3
// on one port), and registers their physical names and ARNs with the resolver.
// Re-running on persisted data keeps what exists and adds what is new.
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type GlobalSecondaryIndexDescription,
  type StreamViewType,
} from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateTopicCommand,
  ListSubscriptionsByTopicCommand,
  SetSubscriptionAttributesCommand,
  SubscribeCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import {
  LOCAL_ACCOUNT_ID,
  constructId,
  resourcesOfType,
  type CloudAssembly,
  type IntrinsicResolver,
} from './cloud-assembly';

export interface LocalTable {
  logicalId: string;
  tableName: string;
  streamArn: string | undefined;
}

export interface LocalQueue {
  logicalId: string;
  /** The construct id (`TicketEvents`), the key of stack.json's `queues`. */
  id: string;
  queueName: string;
  queueUrl: string;
  queueArn: string;
}

type Log = (line: string) => void;

export async function createTables(
  assembly: CloudAssembly,
  resolver: IntrinsicResolver,
  client: DynamoDBClient,
  region: string,
  log: Log,
): Promise<LocalTable[]> {
  const tables: LocalTable[] = [];
  for (const { stack, logicalId, resource } of resourcesOfType(assembly, 'AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable')) {
    const properties = resolver.resolve(resource.Properties ?? {}, stack) as Record<string, any>;
    const tableName: string = properties.TableName ?? `${stack.name}-${logicalId}`;
    const definition = tableInput(tableName, properties);
    let description = await describeTable(client, tableName);
    if (!description) {
      log(`creating table ${tableName}…`);
      description = (await client.send(new CreateTableCommand(definition))).TableDescription!;
    } else {
      await syncIndexes(client, definition, description.GlobalSecondaryIndexes ?? [], log);
    }
    const ttlAttribute: string | undefined = properties.TimeToLiveSpecification?.Enabled
      ? properties.TimeToLiveSpecification.AttributeName
      : undefined;
    if (ttlAttribute) await enableTimeToLive(client, tableName, ttlAttribute);
    const streamArn = description.LatestStreamArn;
    const tableArn = `arn:aws:dynamodb:${region}:${LOCAL_ACCOUNT_ID}:table/${tableName}`;
    resolver.register(stack, logicalId, {
      ref: tableName,
      attributes: { Arn: tableArn, ...(streamArn ? { StreamArn: streamArn } : {}) },
    });
    tables.push({ logicalId, tableName, streamArn });
  }
  return tables;
}

function tableInput(tableName: string, properties: Record<string, any>): CreateTableCommandInput {
  const indexes = (properties.GlobalSecondaryIndexes ?? []) as GlobalSecondaryIndex[];
  const streamViewType = properties.StreamSpecification?.StreamViewType as StreamViewType | undefined;
  return {
    TableName: tableName,
    AttributeDefinitions: properties.AttributeDefinitions as AttributeDefinition[],
    KeySchema: properties.KeySchema,
    // DynamoDB Local accepts on-demand tables; provisioned ones keep their declared throughput.
    BillingMode: properties.BillingMode === 'PROVISIONED' ? 'PROVISIONED' : 'PAY_PER_REQUEST',
    ...(properties.ProvisionedThroughput ? { ProvisionedThroughput: properties.ProvisionedThroughput } : {}),
    ...(indexes.length
      ? {
          GlobalSecondaryIndexes: indexes.map((index) => ({
            IndexName: index.IndexName,
            KeySchema: index.KeySchema,
            Projection: index.Projection,
            ...(index.ProvisionedThroughput ? { ProvisionedThroughput: index.ProvisionedThroughput } : {}),
          })),
        }
      : {}),
    ...(properties.LocalSecondaryIndexes ? { LocalSecondaryIndexes: properties.LocalSecondaryIndexes } : {}),
    ...(streamViewType ? { StreamSpecification: { StreamEnabled: true, StreamViewType: streamViewType } } : {}),
  };
}

async function describeTable(client: DynamoDBClient, tableName: string) {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/**
 * A table in a data folder gets the template's indexes: one the template
 * gained is added, and one whose keys or projection changed (issue 13 gave the
 * ticket indexes narrower projections and other sort keys) is dropped and
 * created again — DynamoDB fills a new index from the items, which already
 * carry its key attributes.
 */
async function syncIndexes(client: DynamoDBClient, definition: CreateTableCommandInput, existing: GlobalSecondaryIndexDescription[], log: Log) {
  const shape = (index: { KeySchema?: unknown; Projection?: { ProjectionType?: string; NonKeyAttributes?: string[] } }) =>
    JSON.stringify({ keys: index.KeySchema, type: index.Projection?.ProjectionType, attributes: [...(index.Projection?.NonKeyAttributes ?? [])].sort() });
  for (const index of definition.GlobalSecondaryIndexes ?? []) {
    const current = existing.find((candidate) => candidate.IndexName === index.IndexName);
    if (current && shape(current) === shape(index)) continue;
    if (current) {
      log(`replacing index ${index.IndexName} of ${definition.TableName} (its keys or projection changed)…`);
      await client.send(new UpdateTableCommand({ TableName: definition.TableName, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: index.IndexName } }] }));
      await waitForIndex(client, definition.TableName!, index.IndexName!, 'gone');
    } else log(`adding index ${index.IndexName} to ${definition.TableName}…`);
    const keyNames = new Set(index.KeySchema?.map((key) => key.AttributeName));
    await client.send(
      new UpdateTableCommand({
        TableName: definition.TableName,
        AttributeDefinitions: definition.AttributeDefinitions?.filter((attribute) => keyNames.has(attribute.AttributeName)),
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
    await waitForIndex(client, definition.TableName!, index.IndexName!, 'ACTIVE');
  }
}

/** An index change is asynchronous, even on DynamoDB Local: waits until the index is gone or ACTIVE (at most a minute). */
export async function waitForIndex(client: DynamoDBClient, tableName: string, indexName: string, state: 'gone' | 'ACTIVE'): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const table = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
    const index = table?.GlobalSecondaryIndexes?.find((candidate) => candidate.IndexName === indexName);
    if (state === 'gone' ? !index : index?.IndexStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`index ${indexName} of ${tableName} is not ${state} after a minute`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function enableTimeToLive(client: DynamoDBClient, tableName: string, attributeName: string) {
  const current = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  if (current.TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED') return;
  await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: attributeName, Enabled: true } }));
}

/** CloudFormation queue properties that are SQS attributes of the same name. */
const QUEUE_ATTRIBUTES = [
  'ContentBasedDeduplication',
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
] as const;

export async function createQueues(
  assembly: CloudAssembly,
  resolver: IntrinsicResolver,
  client: SQSClient,
  region: string,
  log: Log,
): Promise<LocalQueue[]> {
  const declared = resourcesOfType(assembly, 'AWS::SQS::Queue');
  // Names and ARNs first: a redrive policy refers to its dead-letter queue's ARN.
  const queues = declared.map(({ stack, logicalId, resource }) => {
    const fifo = resource.Properties?.FifoQueue === true || resource.Properties?.FifoQueue === 'true';
    const declaredName = resource.Properties?.QueueName;
    const queueName = declaredName ? resolver.resolveString(declaredName, stack) : `${stack.name}-${logicalId}${fifo ? '.fifo' : ''}`;
    const queueArn = `arn:aws:sqs:${region}:${LOCAL_ACCOUNT_ID}:${queueName}`;
    resolver.register(stack, logicalId, { ref: '', attributes: { Arn: queueArn, QueueName: queueName } });
    return { stack, logicalId, resource, fifo, queueName, queueArn };
  });
  const created: LocalQueue[] = [];
  const deadLetterQueuesFirst = [...queues].sort(
    (a, b) => Number(Boolean(a.resource.Properties?.RedrivePolicy)) - Number(Boolean(b.resource.Properties?.RedrivePolicy)),
  );
  for (const { stack, logicalId, resource, fifo, queueName, queueArn } of deadLetterQueuesFirst) {
    const properties = resolver.resolve(resource.Properties ?? {}, stack) as Record<string, unknown>;
    const attributes: Record<string, string> = {};
    for (const name of QUEUE_ATTRIBUTES) {
      if (properties[name] !== undefined) attributes[name] = String(properties[name]);
    }
    if (properties.RedrivePolicy) attributes.RedrivePolicy = JSON.stringify(properties.RedrivePolicy);
    let queueUrl = await existingQueueUrl(client, queueName);
    if (queueUrl) {
      if (Object.keys(attributes).length) await client.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: attributes }));
    } else {
      log(`creating queue ${queueName}…`);
      const response = await client.send(
        new CreateQueueCommand({ QueueName: queueName, Attributes: { ...attributes, ...(fifo ? { FifoQueue: 'true' } : {}) } }),
      );
      queueUrl = response.QueueUrl!;
    }
    resolver.register(stack, logicalId, { ref: queueUrl, attributes: { Arn: queueArn, QueueName: queueName, QueueUrl: queueUrl } });
    created.push({ logicalId, id: constructId(resource, logicalId), queueName, queueUrl, queueArn });
  }
  return created;
}

async function existingQueueUrl(client: SQSClient, queueName: string): Promise<string | undefined> {
  try {
    return (await client.send(new GetQueueUrlCommand({ QueueName: queueName }))).QueueUrl;
  } catch (error) {
    if (error instanceof QueueDoesNotExist || (error as { name?: string }).name === 'AWS.SimpleQueueService.NonExistentQueue') return undefined;
    throw error;
  }
}

export interface LocalTopic {
  logicalId: string;
  /** The construct id (`FanOutTopic`), the key of stack.json's `topics`. */
  id: string;
  topicName: string;
  topicArn: string;
}

/** SNS topics on fauxqs's SNS (FIFO and its deduplication setting kept); Ref is the topic ARN, as in CloudFormation. */
export async function createTopics(
  assembly: CloudAssembly,
  resolver: IntrinsicResolver,
  client: SNSClient,
  log: Log,
): Promise<LocalTopic[]> {
  const topics: LocalTopic[] = [];
  for (const { stack, logicalId, resource } of resourcesOfType(assembly, 'AWS::SNS::Topic')) {
    const properties = resolver.resolve(resource.Properties ?? {}, stack) as Record<string, unknown>;
    const fifo = properties.FifoTopic === true || properties.FifoTopic === 'true';
    const topicName = properties.TopicName ? String(properties.TopicName) : `${stack.name}-${logicalId}${fifo ? '.fifo' : ''}`;
    const attributes: Record<string, string> = {
      ...(fifo ? { FifoTopic: 'true' } : {}),
      ...(properties.ContentBasedDeduplication !== undefined ? { ContentBasedDeduplication: String(properties.ContentBasedDeduplication) } : {}),
    };
    // CreateTopic is idempotent: an existing topic of the same name and attributes is answered as is.
    const { TopicArn } = await client.send(new CreateTopicCommand({ Name: topicName, Attributes: attributes }));
    log(`topic ${topicName} ready`);
    resolver.register(stack, logicalId, { ref: TopicArn!, attributes: { TopicArn: TopicArn!, TopicName: topicName } });
    topics.push({ logicalId, id: constructId(resource, logicalId), topicName, topicArn: TopicArn! });
  }
  return topics;
}

/** The subscription attributes the template may set, as SNS names them. */
const SUBSCRIPTION_ATTRIBUTES = ['FilterPolicy', 'FilterPolicyScope', 'RawMessageDelivery', 'RedrivePolicy'] as const;

/**
 * SQS subscriptions of the topics, with their filter policy (and its scope) and raw delivery.
 * On persisted data an existing subscription of the same queue is brought up to the template's
 * attributes rather than subscribed again (SNS refuses a second one with other attributes).
 */
export async function createSubscriptions(assembly: CloudAssembly, resolver: IntrinsicResolver, client: SNSClient, log: Log): Promise<void> {
  for (const { stack, logicalId, resource } of resourcesOfType(assembly, 'AWS::SNS::Subscription')) {
    const properties = resolver.resolve(resource.Properties ?? {}, stack) as Record<string, unknown>;
    if (properties.Protocol !== 'sqs') {
      log(`${logicalId}: only SQS subscriptions run locally; ${String(properties.Protocol)} skipped`);
      continue;
    }
    const topicArn = String(properties.TopicArn);
    const endpoint = String(properties.Endpoint);
    const attributes: Record<string, string> = {};
    for (const name of SUBSCRIPTION_ATTRIBUTES) {
      const value = properties[name];
      if (value !== undefined) attributes[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
    const existing = (await client.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions?.find(
      (subscription) => subscription.Protocol === 'sqs' && subscription.Endpoint === endpoint,
    );
    if (existing?.SubscriptionArn) {
      for (const [name, value] of Object.entries(attributes)) {
        await client.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: existing.SubscriptionArn, AttributeName: name, AttributeValue: value }));
      }
    } else {
      await client.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: endpoint, Attributes: attributes, ReturnSubscriptionArn: true }));
      log(`subscribed ${endpoint.split(':').pop()} to ${topicArn.split(':').pop()}`);
    }
  }
}

/**
 * Queue policies are set as the queues' Policy attribute, so that they can be read back
 * (GetQueueAttributes) as on AWS; fauxqs stores them but does not enforce them.
 */
export async function applyQueuePolicies(assembly: CloudAssembly, resolver: IntrinsicResolver, client: SQSClient): Promise<void> {
  for (const { stack, resource } of resourcesOfType(assembly, 'AWS::SQS::QueuePolicy')) {
    const properties = resolver.resolve(resource.Properties ?? {}, stack) as { Queues?: string[]; PolicyDocument?: unknown };
    for (const queueUrl of properties.Queues ?? []) {
      await client.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: JSON.stringify(properties.PolicyDocument) } }));
    }
  }
}

export interface LocalBucket {
  logicalId: string;
  /** The construct id (`AttachmentsBucket`), the key of stack.json's `buckets`. */
  id: string;
  bucketName: string;
  /** The template's CORS rules (CloudFormation's shape), for the local S3 endpoint to answer browsers by. */
  corsRules: BucketCorsRule[];
}

export interface BucketCorsRule {
  AllowedMethods: string[];
  AllowedOrigins: string[];
  AllowedHeaders?: string[];
  ExposedHeaders?: string[];
  MaxAge?: number;
}

/** The name CloudFormation would generate looks alike: the stack and logical id, lower-cased (bucket names allow no capitals). */
export function localBucketName(stackName: string, logicalId: string): string {
  return `${stackName}-${logicalId}`.toLowerCase().slice(0, 63);
}

/** S3 buckets on fauxqs's S3 (CreateBucket is idempotent there); Ref is the bucket name, as in CloudFormation. */
export async function createBuckets(
  assembly: CloudAssembly,
  resolver: IntrinsicResolver,
  client: S3Client,
  region: string,
  log: Log,
): Promise<LocalBucket[]> {
  const buckets: LocalBucket[] = [];
  for (const { stack, logicalId, resource } of resourcesOfType(assembly, 'AWS::S3::Bucket')) {
    const properties = resolver.resolve(resource.Properties ?? {}, stack) as { BucketName?: string; CorsConfiguration?: { CorsRules?: BucketCorsRule[] } };
    const bucketName = properties.BucketName ?? localBucketName(stack.name, logicalId);
    await client.send(new CreateBucketCommand({ Bucket: bucketName }));
    log(`bucket ${bucketName} ready`);
    resolver.register(stack, logicalId, {
      ref: bucketName,
      attributes: {
        Arn: `arn:aws:s3:::${bucketName}`,
        DomainName: `${bucketName}.s3.amazonaws.com`,
        RegionalDomainName: `${bucketName}.s3.${region}.amazonaws.com`,
      },
    });
    buckets.push({ logicalId, id: constructId(resource, logicalId), bucketName, corsRules: properties.CorsConfiguration?.CorsRules ?? [] });
  }
  return buckets;
}
