// Powertools Tracer (X-Ray). Lambda runs with active tracing (TicketerFunction
// construct); the SDK clients are wrapped with `traced` where they are created,
// so each DynamoDB, SQS, SNS, S3, SES, Lambda, Scheduler or Secrets Manager
// call shows up as a subsegment with its service, operation and latency.
import { Tracer } from '@aws-lambda-powertools/tracer';
import { SERVICE_NAME } from './logger';

export const tracer = new Tracer({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME || SERVICE_NAME,
  // Only where an X-Ray daemon listens: Lambda sets AWS_XRAY_DAEMON_ADDRESS. Tests and the local
  // stack (which sets AWS_EXECUTION_ENV like Lambda, but runs no daemon) would otherwise log
  // "missing trace context" errors for every SDK call.
  enabled: Boolean(process.env.AWS_XRAY_DAEMON_ADDRESS),
});

/** An AWS SDK v3 client whose calls are traced (the client itself, unchanged, when tracing is off). */
export function traced<Client extends object>(client: Client): Client {
  return tracer.captureAWSv3Client(client);
}
