// The AWS SDK clients of a function: each created on first use, once per
// container (Lambda reuses it across invocations), and traced (X-Ray). A
// function's bundle holds only the clients its wiring asks for: each getter is
// a plain function, so esbuild leaves out the ones nobody calls, and their SDK
// packages with them. Endpoints come only from the SDK's standard
// AWS_ENDPOINT_URL_* variables (the local stack and the tests set them).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DOCUMENT_CLIENT_OPTIONS } from '#adapters/dynamodb/table-client';
import { traced } from '#adapters/observability/tracer';

let dynamoDb: DynamoDBDocumentClient | undefined;
/** The one DynamoDB document client of the container (every repository shares its connections). */
export function documentClient(): DynamoDBDocumentClient {
  return (dynamoDb ??= DynamoDBDocumentClient.from(traced(new DynamoDBClient({})), DOCUMENT_CLIENT_OPTIONS));
}

let lambda: LambdaClient | undefined;
export function lambdaClient(): LambdaClient {
  return (lambda ??= traced(new LambdaClient({})));
}

let s3: S3Client | undefined;
export function s3Client(): S3Client {
  return (s3 ??= traced(new S3Client({})));
}

let scheduler: SchedulerClient | undefined;
export function schedulerClient(): SchedulerClient {
  return (scheduler ??= traced(new SchedulerClient({})));
}

let secretsManager: SecretsManagerClient | undefined;
export function secretsManagerClient(): SecretsManagerClient {
  return (secretsManager ??= traced(new SecretsManagerClient({})));
}

let ses: SESv2Client | undefined;
export function sesClient(): SESv2Client {
  return (ses ??= traced(new SESv2Client({})));
}

let sns: SNSClient | undefined;
export function snsClient(): SNSClient {
  return (sns ??= traced(new SNSClient({})));
}

let sqs: SQSClient | undefined;
export function sqsClient(): SQSClient {
  // Calls go to the configured endpoint, not to the host in a queue URL: on AWS the two are the same,
  // while the local SQS emulator's queue URLs (http://sqs.<region>.127.0.0.1:<port>/…) are no valid URL,
  // which the SDK logs with a stack trace on every call before falling back to the endpoint.
  return (sqs ??= traced(new SQSClient({ useQueueUrlAsEndpoint: false })));
}
