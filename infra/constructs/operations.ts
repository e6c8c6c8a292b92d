// What an operator of Ticketer on AWS watches (docs/operations.md): an alarm
// on every dead-letter queue, every function's errors and throttles, the
// stream pipe's failures and the delivery failure rate, all sent to one SNS
// topic; the APIs' access logs; and one dashboard. The queues, functions and
// pipes are found in the stacks it watches, not listed by hand, so a new DLQ
// or function gets its alarm without anyone remembering to add it.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnAccount } from 'aws-cdk-lib/aws-apigateway';
import { CfnStage, type HttpApi, type WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IAlarm,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, SERVICE_NAME, type MetricName } from '../../shared/adapters/observability/metric-names';
import { TicketerFunction } from './ticketer-function';

/** CDK context read by the app (`cdk deploy -c ticketer:alarmEmail=ops@example.com`). */
export const OPERATIONS_CONTEXT = {
  /** An address subscribed to the alarm topic (it must confirm the subscription mail); unset: no subscription. */
  alarmEmail: 'ticketer:alarmEmail',
} as const;

/** The delivery failure rate (%) over DELIVERY_FAILURE_RATE_PERIOD above which the alarm fires … */
export const DELIVERY_FAILURE_RATE_THRESHOLD = 10;
/** … once at least this many messages were sent or failed in that period (one failure of two is no trend). */
export const DELIVERY_FAILURE_RATE_MIN_VOLUME = 5;
export const DELIVERY_FAILURE_RATE_PERIOD = Duration.minutes(15);

/**
 * A construct's name as its logical id reads, without CDK's hash: its ids
 * below the stack, joined (`LiveAuthorizer` for the `Authorizer` of the `Live`
 * construct; `HttpTickets` for a function of the stack itself).
 */
export function nameInStack(construct: IConstruct): string {
  return construct.node.scopes
    .slice(Stack.of(construct).node.scopes.length)
    .map((scope) => scope.node.id)
    .join('');
}

/** API access logs and the pipe's log are kept as long as the functions' logs. */
export const OPERATIONS_LOG_RETENTION = RetentionDays.ONE_MONTH;

export interface OperationsProps {
  /** The stacks (or any constructs) whose dead-letter queues, Ticketer functions and pipes are watched. */
  readonly watch: readonly IConstruct[];
  /** The HTTP API: access logs on its default stage. */
  readonly httpApi: HttpApi;
  /** The WebSocket API's stage: access logs. */
  readonly webSocketStage: WebSocketStage;
  /** Subscribed by email to the alarm topic when given. */
  readonly alarmEmail?: string;
}

/**
 * A dead-letter queue: another queue's redrive target, or a queue named as one (`…DeadLetterQueue`:
 * the pipe's and the flow timers' schedules' DLQs are targets of a pipe and of Scheduler, not of a queue).
 */
export function deadLetterQueuesIn(scopes: readonly IConstruct[]): Queue[] {
  const queues = scopes.flatMap((scope) => scope.node.findAll()).filter((construct): construct is Queue => construct instanceof Queue);
  const redriveTargets = new Set(queues.map((queue) => queue.deadLetterQueue?.queue).filter(Boolean));
  return queues.filter((queue) => redriveTargets.has(queue) || /DeadLetterQueue$/.test(queue.node.id));
}

function ticketerMetric(name: MetricName, statistic: string, period: Duration): Metric {
  return new Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { service: SERVICE_NAME }, statistic, period });
}

/** Failed deliveries as a percentage of sent + failed, 0 below the minimum volume (and when nothing was sent). */
export function deliveryFailureRate(period: Duration = DELIVERY_FAILURE_RATE_PERIOD): MathExpression {
  return new MathExpression({
    label: 'Delivery failure rate (%)',
    expression: `IF((sent + failed) >= ${DELIVERY_FAILURE_RATE_MIN_VOLUME}, 100 * failed / (sent + failed), 0)`,
    usingMetrics: {
      sent: new MathExpression({ expression: 'FILL(s, 0)', usingMetrics: { s: ticketerMetric(METRIC.deliveriesSent, 'Sum', period) }, period }),
      failed: new MathExpression({ expression: 'FILL(f, 0)', usingMetrics: { f: ticketerMetric(METRIC.deliveriesFailed, 'Sum', period) }, period }),
    },
    period,
  });
}

export class Operations extends Construct {
  /** Every alarm's action (and its return to OK). */
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'Ticketer alarms', enforceSSL: true });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.alarmTopic);
    const alarm = (alarmId: string, metric: IMetric, description: string, threshold = 0) => {
      const created = new Alarm(this, alarmId, {
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // No data is no failure: an idle queue, function or pipe sends no data points.
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: `${description} What to do: docs/operations.md, "Alarms".`,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms.push(created);
      return created;
    };

    // Dead-letter queues: one message parked is one change a consumer, the pipe or a flow timer gave up on.
    const deadLetterQueues = deadLetterQueuesIn(props.watch);
    const depths = deadLetterQueues.map((queue) => {
      // Labels only on the dashboard's copies: an alarm on a labelled metric is rendered as metric math.
      const depth = queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) });
      alarm(`${queue.node.id}Depth`, depth, `Messages are waiting in the dead-letter queue ${queue.node.path}.`);
      return depth.with({ label: queue.node.id });
    });

    // Functions: errors are unhandled failures (an HTTP function answers 4xx/5xx without one); throttles are refused invocations.
    const functions = props.watch.flatMap((watched) => watched.node.findAll()).filter((construct): construct is TicketerFunction => construct instanceof TicketerFunction);
    const errors: IMetric[] = [];
    const throttles: IMetric[] = [];
    for (const fn of functions) {
      const name = nameInStack(fn);
      const fnErrors = fn.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) });
      const fnThrottles = fn.metricThrottles({ statistic: 'Sum', period: Duration.minutes(5) });
      alarm(`${name}Errors`, fnErrors, `The function ${name} failed (an unhandled error or a timeout).`);
      alarm(`${name}Throttles`, fnThrottles, `Invocations of ${name} were throttled (concurrency limit).`);
      errors.push(fnErrors.with({ label: name }));
      throttles.push(fnThrottles.with({ label: name }));
    }

    // The stream pipe: a failed execution or target stage is a batch of table changes the fan-out did not publish (it is retried, then parked in the pipe's DLQ).
    const pipes = props.watch.flatMap((watched) => watched.node.findAll()).filter((construct): construct is CfnPipe => construct instanceof CfnPipe);
    const pipeFailures = pipes.flatMap((pipe) => {
      const pipeId = pipe.node.scope?.node.id ?? pipe.node.id;
      return (['ExecutionFailed', 'TargetStageFailed'] as const).map((metricName) => {
        const metric = new Metric({
          namespace: 'AWS/EventBridge/Pipes',
          metricName,
          dimensionsMap: { PipeName: pipe.ref },
          statistic: 'Sum',
          period: Duration.minutes(5),
        });
        alarm(`${pipeId}${metricName}`, metric, `The pipe ${pipeId} reported ${metricName}: see its log group for the error.`);
        return metric.with({ label: `${pipeId} ${metricName}` });
      });
    });

    const failureRate = deliveryFailureRate();
    alarm(
      'DeliveryFailureRate',
      failureRate,
      `More than ${DELIVERY_FAILURE_RATE_THRESHOLD}% of outgoing messages failed over ${DELIVERY_FAILURE_RATE_PERIOD.toMinutes()} minutes (a channel refuses them, or its gateway is down).`,
      DELIVERY_FAILURE_RATE_THRESHOLD,
    );

    this.accessLogs(props.httpApi, props.webSocketStage);

    const hour = Duration.hours(1);
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `${stack.stackName}-operations`, defaultInterval: Duration.days(1) });
    this.dashboard.addWidgets(
      new TextWidget({ markdown: '# Ticketer\nWhat each metric and alarm means, and what to do when one fires: docs/operations.md.', width: 24, height: 2 }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms as IAlarm[], width: 24, height: 4 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Tickets an hour',
        left: [ticketerMetric(METRIC.ticketsOpened, 'Sum', hour), ticketerMetric(METRIC.ticketsClosed, 'Sum', hour), ticketerMetric(METRIC.replies, 'Sum', hour)],
        width: 12,
      }),
      new GraphWidget({
        title: 'First response time (seconds)',
        left: [ticketerMetric(METRIC.firstResponseTime, 'p50', hour).with({ label: 'p50' }), ticketerMetric(METRIC.firstResponseTime, 'p90', hour).with({ label: 'p90' })],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Deliveries',
        left: [ticketerMetric(METRIC.deliveriesSent, 'Sum', Duration.minutes(15)), ticketerMetric(METRIC.deliveriesFailed, 'Sum', Duration.minutes(15))],
        right: [failureRate],
        width: 12,
      }),
      new GraphWidget({ title: 'Dead-letter queues (messages)', left: depths, width: 12 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Function errors', left: errors, width: 8 }),
      new GraphWidget({ title: 'Function throttles', left: throttles, width: 8 }),
      new GraphWidget({ title: 'Pipe failures', left: pipeFailures, width: 8 }),
    );
  }

  /**
   * JSON access logs of both APIs' stages (one line a request or WebSocket event, no bodies, no
   * headers: nothing of a token). WebSocket stages log through API Gateway's account-wide
   * CloudWatch role (HTTP APIs need none), so the stack sets it; the role is retained when the
   * stack goes, because the account setting keeps pointing at it.
   */
  private accessLogs(httpApi: HttpApi, webSocketStage: WebSocketStage): void {
    const httpLogs = new LogGroup(this, 'HttpApiAccessLogs', { retention: OPERATIONS_LOG_RETENTION, removalPolicy: RemovalPolicy.DESTROY });
    const httpStage = httpApi.defaultStage?.node.defaultChild;
    if (!(httpStage instanceof CfnStage)) throw new Error('Operations: the HTTP API has no default stage to log');
    httpStage.accessLogSettings = {
      destinationArn: httpLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        requestTime: '$context.requestTime',
        ip: '$context.identity.sourceIp',
        routeKey: '$context.routeKey',
        status: '$context.status',
        responseLength: '$context.responseLength',
        latencyMs: '$context.responseLatency',
        integrationLatencyMs: '$context.integrationLatency',
        integrationError: '$context.integrationErrorMessage',
        authorizerError: '$context.authorizer.error',
      }),
    };

    const cloudWatchRole = new Role(this, 'ApiGatewayCloudWatchRole', {
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs')],
    });
    cloudWatchRole.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const account = new CfnAccount(this, 'ApiGatewayAccount', { cloudWatchRoleArn: cloudWatchRole.roleArn });

    const webSocketLogs = new LogGroup(this, 'WebSocketApiAccessLogs', { retention: OPERATIONS_LOG_RETENTION, removalPolicy: RemovalPolicy.DESTROY });
    const liveStage = webSocketStage.node.defaultChild as CfnStage;
    liveStage.accessLogSettings = {
      destinationArn: webSocketLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        requestTime: '$context.requestTime',
        ip: '$context.identity.sourceIp',
        eventType: '$context.eventType',
        routeKey: '$context.routeKey',
        connectionId: '$context.connectionId',
        status: '$context.status',
        integrationError: '$context.integrationErrorMessage',
        authorizerError: '$context.authorizer.error',
      }),
    };
    // The stage can log only once the account knows the role.
    liveStage.node.addDependency(account);
  }
}
