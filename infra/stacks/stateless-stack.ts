// The code: Lambda functions, the HTTP API with its authorizer, the pipe from
// the table stream to the ticket events queue, and the queue's consumer.
// Everything here can be destroyed and redeployed without losing data.
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { TicketEventsPipe } from '../constructs/ticket-events-pipe';
import { TicketerFunction } from '../constructs/ticketer-function';
import { TICKET_EVENTS_CONSUMER_TIMEOUT } from './stateful-stack';

export interface StatelessStackProps extends StackProps {
  readonly table: ITable;
  readonly ticketEventsQueue: IQueue;
  readonly pipeDeadLetterQueue: IQueue;
}

type RouteSpec = readonly [HttpMethod, string];

/** The HTTP API: which function serves which routes (docs/architecture.md, "Functions"). */
export const HTTP_ROUTES = {
  HttpTickets: [
    [HttpMethod.GET, '/folders'],
    [HttpMethod.GET, '/tickets'],
    [HttpMethod.POST, '/tickets'],
    [HttpMethod.GET, '/tickets/{ticket}'],
    [HttpMethod.POST, '/tickets/{ticket}/assign'],
    [HttpMethod.POST, '/tickets/{ticket}/notes'],
    [HttpMethod.POST, '/tickets/{ticket}/topic'],
    [HttpMethod.POST, '/tickets/{ticket}/close'],
    [HttpMethod.POST, '/tickets/{ticket}/reopen'],
  ],
  HttpTopics: [
    [HttpMethod.GET, '/topics'],
    [HttpMethod.POST, '/topics'],
    [HttpMethod.PATCH, '/topics/{topic}'],
  ],
  HttpContacts: [
    [HttpMethod.GET, '/contacts/{contact}'],
    [HttpMethod.PUT, '/contacts/{contact}'],
  ],
  HttpRapidProV2: [
    [HttpMethod.GET, '/api/v2/tickets.json'],
    [HttpMethod.POST, '/api/v2/ticket_actions.json'],
    [HttpMethod.GET, '/api/v2/topics.json'],
    [HttpMethod.POST, '/api/v2/topics.json'],
  ],
} as const satisfies Record<string, readonly RouteSpec[]>;

const HTTP_FUNCTION_ENTRIES: Record<keyof typeof HTTP_ROUTES, string> = {
  HttpTickets: 'functions/http-tickets.ts',
  HttpTopics: 'functions/http-topics.ts',
  HttpContacts: 'functions/http-contacts.ts',
  HttpRapidProV2: 'functions/http-rapidpro-v2.ts',
};

/**
 * What the request-path functions may do on the table (and its indexes):
 * no Scan, which the grant helpers include; a transaction's items are
 * authorized one by one as these actions.
 */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
export const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'];

/** Items per consumer invocation; partial failures are reported per message. */
export const TICKET_EVENTS_BATCH_SIZE = 10;

export class StatelessStack extends Stack {
  readonly api: HttpApi;
  readonly ticketCommand: TicketerFunction;
  readonly ticketEventsConsumer: TicketerFunction;

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

    const authorizer = new HttpLambdaAuthorizer('TokenAuthorizer', authorizerFunction, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: Duration.seconds(30),
    });
    // Every route sits behind the authorizer: there is no anonymous endpoint.
    this.api = new HttpApi(this, 'HttpApi', { description: 'Ticketer HTTP API', defaultAuthorizer: authorizer });

    for (const [id, routes] of Object.entries(HTTP_ROUTES) as [keyof typeof HTTP_ROUTES, readonly RouteSpec[]][]) {
      const fn = new TicketerFunction(this, id, { entry: HTTP_FUNCTION_ENTRIES[id], table });
      table.grant(fn, ...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS);
      const integration = new HttpLambdaIntegration(`${id}Integration`, fn);
      for (const [method, path] of routes) {
        this.api.addRoutes({ path, methods: [method], integration });
      }
    }

    this.ticketCommand = new TicketerFunction(this, 'TicketCommand', {
      entry: 'functions/ticket-command.ts',
      description: 'Ticket commands for flow runtimes (Lambda Invoke, RequestResponse)',
      table,
      timeout: Duration.seconds(15),
    });
    table.grant(this.ticketCommand, ...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS);

    new TicketEventsPipe(this, 'TicketEventsPipe', {
      table,
      queue: props.ticketEventsQueue,
      deadLetterQueue: props.pipeDeadLetterQueue,
    });

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

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'TicketCommandFunctionName', { value: this.ticketCommand.functionName });
    new CfnOutput(this, 'TicketEventsConsumerFunctionName', { value: this.ticketEventsConsumer.functionName });
  }
}
