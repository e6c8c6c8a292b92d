// The code: Lambda functions, the HTTP API with its authorizer, the pipe from
// the table stream to the fan-out function, and the queues' consumers.
// Everything here can be destroyed and redeployed without losing data.
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { CfnStage, HttpApi, HttpMethod, HttpNoneAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { LiveApi } from '../constructs/live-api';
import { FlowTimers, type FlowTimerStore } from '../constructs/flow-timers';
import { StreamFanOutPipe } from '../constructs/stream-fan-out';
import { TicketerFunction } from '../constructs/ticketer-function';
import { routeKey, type RouteSpec } from '../../shared/http/route-spec';
import { allRoutes, routesByFunction } from '../../shared/http/routes/index';
import { CLOSED_TICKETS_CONSUMER_TIMEOUT, DELIVERIES_CONSUMER_TIMEOUT, TICKET_EVENTS_CONSUMER_TIMEOUT } from './stateful-stack';

export interface StatelessStackProps extends StackProps {
  readonly table: ITable;
  /** The SNS FIFO topic StreamFanOut publishes the stream's ticket and message records to. */
  readonly fanOutTopic: ITopic;
  readonly pipeDeadLetterQueue: IQueue;
  readonly ticketEventsQueue: IQueue;
  readonly closedTicketsQueue: IQueue;
  /** New outgoing messages, for the delivery consumer (wired with the channels). */
  readonly deliveriesQueue: IQueue;
  readonly deliveriesDeadLetterQueue: IQueue;
  /** Message attachments (presigned uploads). */
  readonly attachmentsBucket: IBucket;
  /** The key channel secrets are encrypted with. */
  readonly channelSecretsKey: ISecret;
  /** Ticket, message and count records for live updates (docs/live-updates.md). */
  readonly liveUpdatesQueue: IQueue;
  /** The flow timers' schedule group and dead-letter queue. */
  readonly flowTimerStore: FlowTimerStore;
}

type HttpRoute = readonly [HttpMethod, string];

/**
 * The HTTP API: which function serves which routes (docs/architecture.md,
 * "Functions"), read from the route table the functions themselves dispatch on.
 * The route modules are declarations only — paths, permissions, zod schemas and
 * domain constants — so no use case or SDK client comes into the CDK app with them.
 */
export const HTTP_ROUTES = Object.fromEntries(
  Object.entries(routesByFunction).map(([id, group]) => [id, Object.values<RouteSpec>(group).map(httpRoute)]),
  // Object.fromEntries forgets the keys: they are routesByFunction's, one entry each.
) as Record<string, readonly HttpRoute[]> as Record<keyof typeof routesByFunction, readonly HttpRoute[]>;

function httpRoute(spec: RouteSpec): HttpRoute {
  return [HttpMethod[spec.method.toUpperCase() as keyof typeof HttpMethod], spec.path];
}

/** The routes without the authorizer (`permission: 'public'`): people without a token yet sign in or accept an invitation there. */
export const PUBLIC_HTTP_ROUTES: readonly string[] = allRoutes()
  .filter((spec) => spec.permission === 'public')
  .map(routeKey);

export const HTTP_FUNCTION_ENTRIES: Record<keyof typeof HTTP_ROUTES, string> = {
  HttpTickets: 'functions/http-tickets.ts',
  HttpTopics: 'functions/http-topics.ts',
  HttpContacts: 'functions/http-contacts.ts',
  HttpRapidProV2: 'functions/http-rapidpro-v2.ts',
  HttpAccess: 'functions/http-access.ts',
  HttpFlows: 'functions/http-flows.ts',
  HttpTriggers: 'functions/http-triggers.ts',
  HttpChannels: 'functions/http-channels.ts',
};

/**
 * Settings read from CDK context (`cdk deploy -c ticketer:mailFrom=…`), with
 * the defaults used when absent.
 */
export const CONTEXT = {
  /** The sender of invitation mail: an email or domain identity verified in Amazon SES. */
  mailFrom: 'ticketer:mailFrom',
  /** The page that accepts invitations (an agent UI); unset: links lead to the API's own accept route. */
  invitationAcceptUrl: 'ticketer:invitationAcceptUrl',
  /** API requests an hour per workspace unless a workspace sets its own (RapidPro: 3600). */
  apiRateLimitPerHour: 'ticketer:apiRateLimitPerHour',
  /** Telegram's Bot API base URL (unset: https://api.telegram.org). */
  telegramApiUrl: 'ticketer:telegramApiUrl',
} as const;
export const DEFAULT_MAIL_FROM = 'Ticketer <no-reply@ticketer.invalid>';
export const DEFAULT_API_RATE_LIMIT_PER_HOUR = '3600';

/**
 * API Gateway's throttle for each route of the HTTP API (the stage's default
 * route settings), a coarse guard in front of the per-workspace hourly limit:
 * one route flooded (a runaway script, a webhook storm) is answered 429 by API
 * Gateway past 1,000 requests/s (bursts of 500), before any function runs, and
 * cannot take the account's regional API Gateway quota (10,000 requests/s
 * shared by every API of the account) from the other routes and the live
 * WebSocket API. It is not per workspace (HTTP APIs have no usage plans): the
 * workspace's own limit is the function's (docs/api.md, "Rate limits").
 */
export const HTTP_API_ROUTE_THROTTLE = { rateLimitPerSecond: 1000, burstLimit: 500 } as const;

/**
 * What the request-path functions may do on the table (and its indexes):
 * no Scan, which the grant helpers include; a transaction's items are
 * authorized one by one as these actions.
 */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
export const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'];

/** The address of a sender such as `Ticketer <no-reply@example.com>`. */
function senderAddress(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from;
}

/**
 * The functions that run flow sprints (FlowEngine, HttpFlows) wait on
 * TicketCommand (15 s) for each open_ticket, so they get longer; they stay
 * within API Gateway's 30 s and below the closed-ticket consumer that waits
 * on FlowEngine.
 */
export const TICKET_COMMAND_TIMEOUT = Duration.seconds(15);
export const SPRINT_FUNCTION_TIMEOUT = Duration.seconds(25);

/** Lets a function send mail through SES v2 SendEmail, from the configured sender's identity only. */
function allowSendingMailAs(fn: TicketerFunction, stack: Stack, mailFrom: string): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ['ses:SendEmail'],
      resources: [`arn:${stack.partition}:ses:${stack.region}:${stack.account}:identity/*`],
      conditions: { StringEquals: { 'ses:FromAddress': senderAddress(mailFrom) } },
    }),
  );
}

/** The fan-out function publishes one batch of at most 10 records (one PublishBatch call). */
export const STREAM_FAN_OUT_TIMEOUT = Duration.seconds(10);

/** Items per consumer invocation; partial failures are reported per message. */
export const TICKET_EVENTS_BATCH_SIZE = 10;
/** Closes per invocation: each may wait for a flow's first sprint, so batches stay small. */
export const CLOSED_TICKETS_BATCH_SIZE = 5;
/**
 * One message per delivery invocation: a batch would hand a contact's second message out with the
 * first, and each time the first is retried the second's receive count would climb with it (it is
 * reported failed, held back) until the redrive policy parked it unsent. One at a time, a FIFO group
 * hands out the next message only once the one before it is done, and the function's 30 s cover it.
 */
export const DELIVERIES_BATCH_SIZE = 1;

export class StatelessStack extends Stack {
  readonly api: HttpApi;
  readonly ticketCommand: TicketerFunction;
  readonly ticketEventsConsumer: TicketerFunction;
  readonly flowEngine: TicketerFunction;
  readonly closedTicketConsumer: TicketerFunction;
  readonly streamFanOut: TicketerFunction;
  readonly deliveryConsumer: TicketerFunction;
  readonly live: LiveApi;
  readonly flowTimers: FlowTimers;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { table } = props;

    const authorizerFunction = new TicketerFunction(this, 'HttpAuthorizer', {
      entry: 'functions/http-authorizer.ts',
      description: 'Resolves an API token to its workspace and user',
      table,
      timeout: Duration.seconds(5),
    });
    table.grant(authorizerFunction, ...TABLE_READ_ACTIONS);

    // No identity source and no cache: the inbox's requests carry a session cookie and no Authorization
    // header, and API Gateway refuses (401, without calling the authorizer) a request missing an identity
    // source; with several sources, all must be present. Caching needs a source to key on, so it is off:
    // one GetItem per request, and a revoked token or ended session stops at once (docs/access.md).
    const authorizer = new HttpLambdaAuthorizer('TokenAuthorizer', authorizerFunction, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: [],
      resultsCacheTtl: Duration.seconds(0),
    });
    // Every route sits behind the authorizer except PUBLIC_HTTP_ROUTES.
    this.api = new HttpApi(this, 'HttpApi', { description: 'Ticketer HTTP API', defaultAuthorizer: authorizer });
    const defaultStage = this.api.defaultStage?.node.defaultChild;
    if (!(defaultStage instanceof CfnStage)) throw new Error('StatelessStack: the HTTP API has no default stage to throttle');
    defaultStage.defaultRouteSettings = {
      throttlingRateLimit: HTTP_API_ROUTE_THROTTLE.rateLimitPerSecond,
      throttlingBurstLimit: HTTP_API_ROUTE_THROTTLE.burstLimit,
    };

    const context = (key: string, fallback: string) => String(this.node.tryGetContext(key) ?? fallback);
    const apiRateLimit = context(CONTEXT.apiRateLimitPerHour, DEFAULT_API_RATE_LIMIT_PER_HOUR);
    const mailFrom = context(CONTEXT.mailFrom, DEFAULT_MAIL_FROM);
    const invitationAcceptUrl: unknown = this.node.tryGetContext(CONTEXT.invitationAcceptUrl);
    const telegramApiUrl: unknown = this.node.tryGetContext(CONTEXT.telegramApiUrl);
    const telegramApi: Record<string, string> = telegramApiUrl ? { TELEGRAM_API_URL: String(telegramApiUrl) } : {};
    const functionEnvironment: Partial<Record<keyof typeof HTTP_ROUTES, Record<string, string>>> = {
      HttpAccess: { MAIL_FROM: mailFrom, ...(invitationAcceptUrl ? { INVITATION_ACCEPT_URL: String(invitationAcceptUrl) } : {}) },
      // Flows' send_email action mails from the same sender; listed messages answer attachments as presigned GETs.
      HttpFlows: { MAIL_FROM: mailFrom, ATTACHMENTS_BUCKET_NAME: props.attachmentsBucket.bucketName },
      // POST /attachments presigns uploads into the attachments bucket; the conversation presigns reads.
      HttpTickets: { ATTACHMENTS_BUCKET_NAME: props.attachmentsBucket.bucketName },
      // The public receive routes route each contact message (a flow may answer it, and mail);
      // managing channels seals their secrets with the key in Secrets Manager; files contacts send to a bot are copied into the attachments bucket.
      HttpChannels: {
        MAIL_FROM: mailFrom,
        CHANNEL_SECRETS_KEY_SECRET_ARN: props.channelSecretsKey.secretArn,
        ATTACHMENTS_BUCKET_NAME: props.attachmentsBucket.bucketName,
        ...telegramApi,
      },
    };
    const functionTimeout: Partial<Record<keyof typeof HTTP_ROUTES, Duration>> = {
      HttpFlows: SPRINT_FUNCTION_TIMEOUT,
      HttpChannels: SPRINT_FUNCTION_TIMEOUT,
    };

    for (const [id, routes] of Object.entries(HTTP_ROUTES) as [keyof typeof HTTP_ROUTES, readonly HttpRoute[]][]) {
      const fn = new TicketerFunction(this, id, {
        entry: HTTP_FUNCTION_ENTRIES[id],
        table,
        environment: { API_RATE_LIMIT_PER_HOUR: apiRateLimit, ...functionEnvironment[id] },
        ...(functionTimeout[id] ? { timeout: functionTimeout[id] } : {}),
      });
      table.grant(fn, ...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS);
      const integration = new HttpLambdaIntegration(`${id}Integration`, fn);
      for (const [method, path] of routes) {
        const isPublic = PUBLIC_HTTP_ROUTES.includes(`${method} ${path}`);
        this.api.addRoutes({ path, methods: [method], integration, ...(isPublic ? { authorizer: new HttpNoneAuthorizer() } : {}) });
      }
      // Invitations (HttpAccess) and flows' send_email (HttpFlows) go out by mail.
      if (functionEnvironment[id]?.MAIL_FROM) allowSendingMailAs(fn, this, mailFrom);
    }

    this.ticketCommand = new TicketerFunction(this, 'TicketCommand', {
      entry: 'functions/ticket-command.ts',
      description: 'Ticket commands for flow runtimes (Lambda Invoke, RequestResponse)',
      table,
      timeout: TICKET_COMMAND_TIMEOUT,
    });
    table.grant(this.ticketCommand, ...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS);

    // The flow engine (docs/flow-engine-service.md): Lambda Invoke for runtimes inside AWS, and
    // the HttpFlows routes; both run sprints whose open_ticket action invokes TicketCommand.
    this.flowEngine = new TicketerFunction(this, 'FlowEngine', {
      entry: 'functions/flow-engine.ts',
      description: 'Flow engine: import flows, start flows, inbound messages (Lambda Invoke, RequestResponse)',
      table,
      timeout: SPRINT_FUNCTION_TIMEOUT,
      environment: { MAIL_FROM: mailFrom },
    });
    table.grant(this.flowEngine, ...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS);
    allowSendingMailAs(this.flowEngine, this, mailFrom);
    const httpFlows = this.node.findChild('HttpFlows') as TicketerFunction;
    const httpChannels = this.node.findChild('HttpChannels') as TicketerFunction;
    props.channelSecretsKey.grantRead(httpChannels);
    // A presigned URL carries the signer's permissions: HttpTickets may put objects (uploads) and get
    // them (the conversation's links), HttpFlows only get them (message lists), nothing else in the bucket.
    (this.node.findChild('HttpTickets') as TicketerFunction).addToRolePolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:PutObject', 's3:GetObject'], resources: [props.attachmentsBucket.arnForObjects('*')] }),
    );
    httpFlows.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:GetObject'], resources: [props.attachmentsBucket.arnForObjects('*')] }));
    // Telegram files a contact sends are put into the bucket (a plain PutObject, no presigning).
    httpChannels.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:PutObject'], resources: [props.attachmentsBucket.arnForObjects('*')] }));
    for (const runsSprints of [this.flowEngine, httpFlows, httpChannels]) {
      runsSprints.addEnvironment('TICKET_COMMAND_FUNCTION_NAME', this.ticketCommand.functionName);
      this.ticketCommand.grantInvoke(runsSprints);
    }

    // Flow timers (docs/flow-engine-service.md, "Timers"): every function that runs sprints sets a waiting
    // session's timers as one-time schedules; when due, Scheduler invokes FlowTimers, which runs the
    // timeout or expiration sprint (and may set the next wait's timers).
    this.flowTimers = new FlowTimers(this, {
      table,
      scheduleGroup: props.flowTimerStore.scheduleGroup,
      deadLetterQueue: props.flowTimerStore.deadLetterQueue,
      timeout: SPRINT_FUNCTION_TIMEOUT,
      environment: { MAIL_FROM: mailFrom, TICKET_COMMAND_FUNCTION_NAME: this.ticketCommand.functionName },
    });
    const flowTimersFunction = this.flowTimers.function;
    table.grant(flowTimersFunction, ...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS);
    allowSendingMailAs(flowTimersFunction, this, mailFrom);
    this.ticketCommand.grantInvoke(flowTimersFunction);
    for (const runsSprints of [this.flowEngine, httpFlows, httpChannels]) this.flowTimers.allowScheduling(runsSprints);

    // The stream's one reader (docs/architecture.md, "The fan-out"): pipe → StreamFanOut → SNS FIFO
    // topic → one filtered SQS FIFO queue per consumer. A function sits between pipe and topic
    // because pipes cannot target SNS FIFO topics.
    this.streamFanOut = new TicketerFunction(this, 'StreamFanOut', {
      entry: 'functions/stream-fan-out.ts',
      description: 'Publishes the table stream records the pipe passes on to the fan-out topic (SNS FIFO)',
      table,
      memorySize: 256,
      timeout: STREAM_FAN_OUT_TIMEOUT,
      environment: { FAN_OUT_TOPIC_ARN: props.fanOutTopic.topicArn },
    });
    // Publish to the topic and nothing else: it never reads the table (the records carry the images).
    props.fanOutTopic.grantPublish(this.streamFanOut);
    new StreamFanOutPipe(this, 'StreamFanOutPipe', { table, target: this.streamFanOut, deadLetterQueue: props.pipeDeadLetterQueue });

    this.ticketEventsConsumer = new TicketerFunction(this, 'TicketEventsConsumer', {
      entry: 'functions/ticket-events-consumer.ts',
      description: 'Keeps the folder and topic counts from ticket stream records',
      table,
      memorySize: 512,
      timeout: TICKET_EVENTS_CONSUMER_TIMEOUT,
    });
    // The consumer writes count items and applied-event guards, nothing else:
    // a transaction's items are authorized one by one as PutItem/UpdateItem.
    this.ticketEventsConsumer.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['WS#*#COUNTS', 'WS#*#APPLIED#*'] } },
      }),
    );
    this.ticketEventsConsumer.addEventSource(
      new SqsEventSource(props.ticketEventsQueue, { batchSize: TICKET_EVENTS_BATCH_SIZE, reportBatchItemFailures: true }),
    );

    // Closed-ticket triggers (docs/triggers.md): the fan-out passes only closes to their own FIFO
    // queue, whose consumer starts the matching trigger's flow through the flow engine.
    this.closedTicketConsumer = new TicketerFunction(this, 'ClosedTicketConsumer', {
      entry: 'functions/closed-ticket-consumer.ts',
      description: 'Starts the closed-ticket trigger flow of each closed ticket (through FlowEngine)',
      table,
      timeout: CLOSED_TICKETS_CONSUMER_TIMEOUT,
      environment: { FLOW_ENGINE_FUNCTION_NAME: this.flowEngine.functionName },
    });
    // Reads triggers, the contact's session (its groups) and the workspace directory; writes nothing itself.
    table.grant(this.closedTicketConsumer, ...TABLE_READ_ACTIONS);
    this.flowEngine.grantInvoke(this.closedTicketConsumer);
    this.closedTicketConsumer.addEventSource(
      new SqsEventSource(props.closedTicketsQueue, { batchSize: CLOSED_TICKETS_BATCH_SIZE, reportBatchItemFailures: true }),
    );

    // Delivery (docs/channels.md): every outgoing message, one contact's in order (one FIFO group),
    // sent through its channel; retries wait out their backoff in the queue's visibility timeout.
    this.deliveryConsumer = new TicketerFunction(this, 'DeliveryConsumer', {
      entry: 'functions/delivery-consumer.ts',
      description: 'Sends each outgoing message through its channel and records its status',
      table,
      timeout: DELIVERIES_CONSUMER_TIMEOUT,
      environment: {
        CHANNEL_SECRETS_KEY_SECRET_ARN: props.channelSecretsKey.secretArn,
        // Attachments of the bucket go to gateways as presigned GETs, which carry this function's s3:GetObject.
        ATTACHMENTS_BUCKET_NAME: props.attachmentsBucket.bucketName,
        ...telegramApi,
      },
    });
    this.deliveryConsumer.addToRolePolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:GetObject'], resources: [props.attachmentsBucket.arnForObjects('*')] }),
    );
    // Reads the message, its channel and contact; writes the status and the message's location item.
    table.grant(this.deliveryConsumer, ...TABLE_READ_ACTIONS, 'dynamodb:PutItem', 'dynamodb:UpdateItem');
    props.channelSecretsKey.grantRead(this.deliveryConsumer);
    this.deliveryConsumer.addEventSource(
      new SqsEventSource(props.deliveriesQueue, { batchSize: DELIVERIES_BATCH_SIZE, reportBatchItemFailures: true }),
    );

    // Live updates (docs/live-updates.md): the WebSocket API, its functions and the consumer of the live-updates queue.
    this.live = new LiveApi(this, 'Live', { table, liveUpdatesQueue: props.liveUpdatesQueue, attachmentsBucket: props.attachmentsBucket });

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'TicketCommandFunctionName', { value: this.ticketCommand.functionName });
    new CfnOutput(this, 'FlowEngineFunctionName', { value: this.flowEngine.functionName });
    new CfnOutput(this, 'FlowTimersFunctionName', { value: flowTimersFunction.functionName });
    new CfnOutput(this, 'TicketEventsConsumerFunctionName', { value: this.ticketEventsConsumer.functionName });
  }
}
