// Live updates in AWS (docs/live-updates.md): an API Gateway WebSocket API
// whose $connect is authorized by the same credentials as the HTTP API, one
// function for its routes, and the consumer that turns the table's changes
// (the fan-out's live-updates queue) into events posted through @connections.
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TicketerFunction } from './ticketer-function';

/** The stage, and so the path: the inbox's CloudFront behaviour `/live` reaches the stage `live` unchanged. */
export const LIVE_STAGE_NAME = 'live';
/** The frames clients send (route selection `$request.body.action`); anything else goes to $default. */
export const LIVE_ROUTES = ['subscribe', 'typing', 'ping'] as const;
/** The consumer posts one batch's events to a workspace's connections (32 at a time). */
export const LIVE_UPDATES_CONSUMER_TIMEOUT = Duration.seconds(30);
export const LIVE_UPDATES_BATCH_SIZE = 10;
/**
 * The authorizer needs an identity source that every handshake has, because API Gateway refuses
 * (401, without calling the authorizer) a request missing one, and a handshake carries either the
 * session cookie or `?token=`, never both. Every WebSocket handshake sends Sec-WebSocket-Key.
 */
export const LIVE_IDENTITY_SOURCE = ['route.request.header.Sec-WebSocket-Key'];

const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];

export interface LiveApiProps {
  readonly table: ITable;
  /** Ticket, message and count records of the table stream (the fan-out's live-updates queue). */
  readonly liveUpdatesQueue: IQueue;
  /** Attachments in events are presigned GETs, as in the REST answers. */
  readonly attachmentsBucket: IBucket;
}

export class LiveApi extends Construct {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  readonly authorizerFunction: TicketerFunction;
  readonly connectionsFunction: TicketerFunction;
  readonly consumer: TicketerFunction;

  constructor(scope: Construct, id: string, props: LiveApiProps) {
    super(scope, id);
    const { table } = props;

    // The functions' ids follow this construct's (`Live`) in their logical ids, names and alarms:
    // `Authorizer` here is `LiveAuthorizer` in the template.
    this.authorizerFunction = new TicketerFunction(this, 'Authorizer', {
      entry: 'functions/live-authorizer.ts',
      description: 'Resolves the session cookie or API token of a WebSocket handshake',
      table,
      timeout: Duration.seconds(5),
    });
    table.grant(this.authorizerFunction, ...TABLE_READ_ACTIONS);

    this.connectionsFunction = new TicketerFunction(this, 'Connections', {
      entry: 'functions/live-connections.ts',
      description: 'WebSocket routes: stores connections, answers subscribe, typing and ping',
      table,
    });
    const integration = new WebSocketLambdaIntegration('LiveConnectionsIntegration', this.connectionsFunction);
    this.api = new WebSocketApi(this, 'WebSocketApi', {
      description: 'Ticketer live updates (docs/live-updates.md)',
      routeSelectionExpression: '$request.body.action',
      connectRouteOptions: {
        integration,
        authorizer: new WebSocketLambdaAuthorizer('LiveAuthorizer', this.authorizerFunction, { identitySource: LIVE_IDENTITY_SOURCE }),
      },
      disconnectRouteOptions: { integration },
      // Bad frames get an error frame back: the route answers.
      defaultRouteOptions: { integration, returnResponse: true },
    });
    for (const route of LIVE_ROUTES) this.api.addRoute(route, { integration, returnResponse: true });
    this.stage = new WebSocketStage(this, 'Stage', { webSocketApi: this.api, stageName: LIVE_STAGE_NAME, autoDeploy: true });

    this.consumer = new TicketerFunction(this, 'UpdatesConsumer', {
      entry: 'functions/live-updates-consumer.ts',
      description: 'Posts ticket, message and count changes to the WebSocket connections that may see them',
      table,
      memorySize: 512,
      timeout: LIVE_UPDATES_CONSUMER_TIMEOUT,
      environment: { ATTACHMENTS_BUCKET_NAME: props.attachmentsBucket.bucketName },
    });
    this.consumer.addEventSource(new SqsEventSource(props.liveUpdatesQueue, { batchSize: LIVE_UPDATES_BATCH_SIZE, reportBatchItemFailures: true }));
    // Presigned GETs of attachments carry the signer's permission.
    this.consumer.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:GetObject'], resources: [props.attachmentsBucket.arnForObjects('*')] }));

    for (const fn of [this.connectionsFunction, this.consumer]) {
      // Both post through @connections at the stage's callback URL, built from these two.
      fn.addEnvironment('LIVE_API_ENDPOINT', this.api.apiEndpoint);
      fn.addEnvironment('LIVE_STAGE', this.stage.stageName);
      this.api.grantManageConnections(fn);
      // Reads tickets, contacts, the workspace directory, the counts and the connections; writes connection items only.
      table.grant(fn, ...TABLE_READ_ACTIONS);
      fn.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          resources: [table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['WS#*#LIVE'] } },
        }),
      );
    }

    new CfnOutput(Stack.of(this), 'LiveUrl', { value: this.stage.url, description: 'The WebSocket API of live updates (direct; the inbox uses /live)' });
  }
}
