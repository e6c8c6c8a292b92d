// The AWS SDK clients of a function: each created on first use, once per
// container (Lambda reuses it across invocations). A
// function's bundle holds only the clients its wiring asks for: each getter is
// marked pure, so esbuild leaves out the ones nobody calls, and their SDK
// packages with them. Endpoints come only from the SDK's standard
// AWS_ENDPOINT_URL_* variables (the local stack and the tests set them).
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { once } from './once';

export const lambdaClient = /* @__PURE__ */ once((): LambdaClient => new LambdaClient({}));

export const s3Client = /* @__PURE__ */ once((): S3Client => new S3Client({}));

export const schedulerClient = /* @__PURE__ */ once((): SchedulerClient => new SchedulerClient({}));

export const secretsManagerClient = /* @__PURE__ */ once((): SecretsManagerClient => new SecretsManagerClient({}));

export const sesClient = /* @__PURE__ */ once((): SESv2Client => new SESv2Client({}));

export const snsClient = /* @__PURE__ */ once((): SNSClient => new SNSClient({}));

// Calls go to the configured endpoint, not to the host in a queue URL: on AWS the two are the same,
// while the local SQS emulator's queue URLs (http://sqs.<region>.127.0.0.1:<port>/…) are no valid URL,
// which the SDK logs with a stack trace on every call before falling back to the endpoint.
export const sqsClient = /* @__PURE__ */ once((): SQSClient => new SQSClient({ useQueueUrlAsEndpoint: false }));
