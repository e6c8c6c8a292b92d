// The operations construct (infra/constructs/operations.ts) and the settings
// every function carries for it: tracing, the service name, the metrics
// namespace, log retention everywhere, access logs, pipe logs, an alarm per DLQ,
// function and pipe failure, the delivery failure rate, one dashboard.
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { deadLetterQueuesIn, DELIVERY_FAILURE_RATE_THRESHOLD, OPERATIONS_CONTEXT } from '../../infra/constructs/operations';
import { addTicketerStacks } from '../../infra/stacks/ticketer';
import { METRIC, METRICS_NAMESPACE } from '../../shared/adapters/observability/metric-names';
import { synthTicketer } from './synth';

type Resource = { Properties: Record<string, any>; DependsOn?: string[] };

let synth: ReturnType<typeof synthTicketer>;
beforeAll(() => {
  synth = synthTicketer();
});

const resources = (template: Template, type: string): [string, Resource][] => Object.entries(template.findResources(type)) as [string, Resource][];
const alarms = (): ({ id: string } & Record<string, any>)[] => resources(synth.stateless, 'AWS::CloudWatch::Alarm').map(([id, alarm]) => ({ id, ...alarm.Properties }));
const FUNCTION_LOGICAL_ID = /^(.+)[0-9A-F]{8}$/;

describe('every function', () => {
  it('is traced by X-Ray and logs as the service ticketer, with its metrics in the Ticketer namespace', () => {
    const functions = resources(synth.stateless, 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(19);
    for (const [id, fn] of functions) {
      expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Environment.Variables, id).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'ticketer', POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE });
    }
  });

  it('may write traces (the role gets the X-Ray put actions)', () => {
    const statements = resources(synth.stateless, 'AWS::IAM::Policy').flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
    expect(statements.some((statement) => [statement.Action].flat().includes('xray:PutTraceSegments'))).toBe(true);
  });
});

describe('logs', () => {
  it('every log group of every stack has a retention', () => {
    for (const template of [synth.stateful, synth.stateless]) {
      for (const [id, group] of resources(template, 'AWS::Logs::LogGroup')) expect(group.Properties.RetentionInDays, id).toBeGreaterThan(0);
    }
    expect(resources(synth.stateless, 'AWS::Logs::LogGroup').length).toBeGreaterThanOrEqual(19 + 3);
  });

  it('the inbox deployment\'s function logs to a log group with retention too', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const web = Template.fromStack(addTicketerStacks(app).web);
    const groups = resources(web, 'AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThanOrEqual(1);
    for (const [id, group] of groups) expect(group.Properties.RetentionInDays, id).toBeGreaterThan(0);
    // Every function of the stack names its log group (none is left to Lambda's implicit, never-expiring one).
    for (const [id, fn] of resources(web, 'AWS::Lambda::Function')) expect(fn.Properties.LoggingConfig?.LogGroup, id).toBeDefined();
  });

  it('the HTTP API and the WebSocket API stages write JSON access logs to a log group of their own', () => {
    const stages = resources(synth.stateless, 'AWS::ApiGatewayV2::Stage');
    expect(stages.length).toBe(2);
    for (const [id, stage] of stages) {
      const settings = stage.Properties.AccessLogSettings;
      expect(settings, id).toBeDefined();
      expect(settings.DestinationArn['Fn::GetAtt'][1]).toBe('Arn');
      const format = JSON.parse(settings.Format);
      expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey', status: '$context.status' });
      // Nothing of a request's headers or body: a token must never reach a log.
      expect(settings.Format).not.toMatch(/header|body|Authorization/i);
    }
  });

  it('WebSocket stages log through the account-wide API Gateway role, which the stage waits for', () => {
    const [[accountId, account]] = resources(synth.stateless, 'AWS::ApiGateway::Account') as [[string, Resource]];
    const roleId = account.Properties.CloudWatchRoleArn['Fn::GetAtt'][0];
    expect(synth.stateless.toJSON().Resources[roleId].DeletionPolicy).toBe('Retain');
    const webSocketStage = resources(synth.stateless, 'AWS::ApiGatewayV2::Stage').find(([, stage]) => stage.Properties.StageName === 'live')!;
    expect(webSocketStage[1].DependsOn).toContain(accountId);
  });

  it('the stream pipe logs its errors (no execution data) to a log group with retention', () => {
    const [[, pipe]] = resources(synth.stateless, 'AWS::Pipes::Pipe') as [[string, Resource]];
    const config = pipe.Properties.LogConfiguration;
    expect(config.Level).toBe('ERROR');
    expect(config.IncludeExecutionData).toBeUndefined();
    const groupId = config.CloudwatchLogsLogDestination.LogGroupArn['Fn::GetAtt'][0];
    expect(synth.stateless.toJSON().Resources[groupId].Properties.RetentionInDays).toBeGreaterThan(0);
  });
});

describe('alarms', () => {
  it('every dead-letter queue of the stacks has a depth alarm (> 0 messages visible)', () => {
    const deadLetterQueues = deadLetterQueuesIn([synth.statefulStack, synth.statelessStack]);
    // The consumers' four, the pipe's and the flow timers' schedules'.
    expect(deadLetterQueues.map((queue) => queue.node.id).sort()).toEqual(
      ['ClosedTicketsDeadLetterQueue', 'DeliveriesDeadLetterQueue', 'FlowTimersDeadLetterQueue', 'LiveUpdatesDeadLetterQueue', 'PipeDeadLetterQueue', 'TicketEventsDeadLetterQueue'].sort(),
    );
    const depthAlarms = alarms().filter((alarm) => alarm.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(depthAlarms).toHaveLength(deadLetterQueues.length);
    for (const alarm of depthAlarms) {
      expect(alarm).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
      expect(alarm.Dimensions[0].Name).toBe('QueueName');
    }
  });

  it('a queue added later that is another queue\'s redrive target gets an alarm too', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const { stateful, stateless } = addTicketerStacks(app);
    const extra = new Queue(stateful, 'ParkedThings');
    new Queue(stateful, 'Things', { deadLetterQueue: { queue: extra, maxReceiveCount: 3 } });
    expect(deadLetterQueuesIn([stateful, stateless])).toContain(extra);
  });

  it('every function has an Errors and a Throttles alarm', () => {
    const functionNames = resources(synth.stateless, 'AWS::Lambda::Function').map(([id]) => FUNCTION_LOGICAL_ID.exec(id)![1]);
    for (const metricName of ['Errors', 'Throttles']) {
      const watched = alarms()
        .filter((alarm) => alarm.Namespace === 'AWS/Lambda' && alarm.MetricName === metricName)
        .map((alarm) => alarm.Dimensions[0].Value.Ref as string)
        .map((ref) => FUNCTION_LOGICAL_ID.exec(ref)![1]);
      expect(watched.sort()).toEqual([...functionNames].sort());
    }
  });

  it('the pipe\'s ExecutionFailed and TargetStageFailed have alarms, by pipe name', () => {
    const pipeAlarms = alarms().filter((alarm) => alarm.Namespace === 'AWS/EventBridge/Pipes');
    expect(pipeAlarms.map((alarm) => alarm.MetricName).sort()).toEqual(['ExecutionFailed', 'TargetStageFailed']);
    const [[pipeId]] = resources(synth.stateless, 'AWS::Pipes::Pipe') as [[string, Resource]];
    for (const alarm of pipeAlarms) expect(alarm.Dimensions).toEqual([{ Name: 'PipeName', Value: { Ref: pipeId } }]);
  });

  it('the delivery failure rate is the deliveries-failed metric over sent + failed, with a minimum volume', () => {
    const [rate] = alarms().filter((alarm) => alarm.Metrics?.some((metric: any) => metric.Expression?.includes('100 * failed')));
    expect(rate).toBeDefined();
    expect(rate!.Threshold).toBe(DELIVERY_FAILURE_RATE_THRESHOLD);
    const used = rate!.Metrics.filter((metric: any) => metric.MetricStat).map((metric: any) => metric.MetricStat.Metric);
    expect(used).toEqual(
      expect.arrayContaining([
        { Namespace: METRICS_NAMESPACE, MetricName: METRIC.deliveriesSent, Dimensions: [{ Name: 'service', Value: 'ticketer' }] },
        { Namespace: METRICS_NAMESPACE, MetricName: METRIC.deliveriesFailed, Dimensions: [{ Name: 'service', Value: 'ticketer' }] },
      ]),
    );
  });

  it('every alarm notifies the one alarm topic when it fires and when it is back to OK', () => {
    const [[topicId]] = resources(synth.stateless, 'AWS::SNS::Topic') as [[string, Resource]];
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions, alarm.id).toEqual([{ Ref: topicId }]);
      expect(alarm.OKActions, alarm.id).toEqual([{ Ref: topicId }]);
      expect(alarm.AlarmDescription).toContain('docs/operations.md');
    }
  });

  it('the topic has an email subscription only when the context names an address', () => {
    expect(resources(synth.stateless, 'AWS::SNS::Subscription')).toHaveLength(0);
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [], [OPERATIONS_CONTEXT.alarmEmail]: 'ops@example.com' } });
    const { stateless } = addTicketerStacks(app);
    Template.fromStack(stateless).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });
});

describe('the dashboard', () => {
  it('is one dashboard that shows the Ticketer metrics, the DLQs, the functions and the pipe', () => {
    const dashboards = resources(synth.stateless, 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(synth.stateless.toJSON().Resources[dashboards[0]![0]].Properties.DashboardBody);
    for (const name of Object.values(METRIC)) expect(body).toContain(name);
    for (const name of ['ApproximateNumberOfMessagesVisible', 'Errors', 'Throttles', 'ExecutionFailed', 'TargetStageFailed']) expect(body).toContain(name);
    synth.stateless.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: Match.stringLikeRegexp('operations') });
  });
});
