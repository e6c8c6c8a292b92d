// Live updates in the templates (docs/live-updates.md): the WebSocket API with
// its authorizer on $connect, the routes and their responses, the stage the
// inbox's /live reaches, the functions' environment and permissions, and the
// consumer on its own FIFO queue of the fan-out.
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIVE_IDENTITY_SOURCE, LIVE_ROUTES, LIVE_STAGE_NAME, LIVE_UPDATES_BATCH_SIZE } from '../../infra/constructs/live-api';
import { LIVE_UPDATES_MAX_RECEIVE_COUNT, LIVE_UPDATES_VISIBILITY_TIMEOUT } from '../../infra/stacks/stateful-stack';
import { onlyResource, synthTicketer } from './synth';

let synth: ReturnType<typeof synthTicketer>;
beforeAll(() => {
  synth = synthTicketer();
});

const resources = () => synth.stateless.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
function functionById(id: string) {
  const found = Object.entries(resources()).filter(([logicalId, resource]) => resource.Type === 'AWS::Lambda::Function' && new RegExp(`^${id}[0-9A-F]{8}$`).test(logicalId));
  expect(found, id).toHaveLength(1);
  return { id: found[0]![0], Properties: found[0]![1].Properties };
}
const policiesOf = (functionId: string) =>
  Object.values(resources())
    .filter((resource) => resource.Type === 'AWS::IAM::Policy' && JSON.stringify(resource.Properties.Roles).includes(functionId.replace(/[0-9A-F]{8}$/, '')))
    .flatMap((resource) => resource.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown; Condition?: unknown }[]);

describe('the WebSocket API', () => {
  it('selects routes by the frame’s action, with $connect, $disconnect, $default and the contract’s frames', () => {
    const api = onlyResource(synth.stateless, 'AWS::ApiGatewayV2::Api', { ProtocolType: 'WEBSOCKET' });
    expect(api.Properties.RouteSelectionExpression).toBe('$request.body.action');
    const routes = Object.values(resources()).filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Route' && resource.Properties.ApiId.Ref === api.id);
    expect(routes.map((route) => route.Properties.RouteKey).sort()).toEqual(['$connect', '$default', '$disconnect', ...LIVE_ROUTES].sort());
    // Frames are answered (route responses); $connect and $disconnect are not.
    const answering = Object.values(resources())
      .filter((resource) => resource.Type === 'AWS::ApiGatewayV2::RouteResponse')
      .map((response) => resources()[response.Properties.RouteId.Ref]!.Properties.RouteKey);
    expect(answering.sort()).toEqual(['$default', ...LIVE_ROUTES].sort());
  });

  it('authorizes $connect (only) with the LiveAuthorizer function, on an identity source every handshake has', () => {
    const authorizer = onlyResource(synth.stateless, 'AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'REQUEST', IdentitySource: LIVE_IDENTITY_SOURCE });
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(functionById('LiveAuthorizer').id);
    const authorized = Object.values(resources()).filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Route' && resource.Properties.AuthorizationType === 'CUSTOM' && resource.Properties.AuthorizerId?.Ref === authorizer.id);
    expect(authorized.map((route) => route.Properties.RouteKey)).toEqual(['$connect']);
  });

  it('is deployed to the stage `live`, the inbox’s path', () => {
    expect(LIVE_STAGE_NAME).toBe('live');
    synth.stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: 'live', AutoDeploy: true });
  });
});

describe('the live functions', () => {
  it('LiveConnections and LiveUpdatesConsumer know the API endpoint and stage, and may manage its connections only', () => {
    for (const id of ['LiveConnections', 'LiveUpdatesConsumer']) {
      const { id: logicalId, Properties } = functionById(id);
      expect(Properties.Environment.Variables).toMatchObject({ LIVE_API_ENDPOINT: { 'Fn::GetAtt': [expect.stringMatching(/^LiveWebSocketApi/), 'ApiEndpoint'] }, LIVE_STAGE: 'live' });
      const statements = policiesOf(logicalId);
      const manage = statements.filter((statement) => [statement.Action].flat().includes('execute-api:ManageConnections'));
      expect(manage).toHaveLength(1);
      expect(JSON.stringify(manage[0]!.Resource)).toMatch(/LiveWebSocketApi.*@connections/);
      // Writes only connection items: the leading key is a workspace's live partition.
      const writes = statements.filter((statement) => [statement.Action].flat().some((action) => /dynamodb:(Put|Update|Delete)Item/.test(action)));
      expect(writes).toHaveLength(1);
      expect(writes[0]!.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['WS#*#LIVE'] } });
      expect(statements.flatMap((statement) => [statement.Action].flat())).not.toContain('dynamodb:Scan');
    }
  });

  it('LiveAuthorizer only reads the table', () => {
    const actions = policiesOf(functionById('LiveAuthorizer').id).flatMap((statement) => [statement.Action].flat());
    expect(actions.filter((action) => action.startsWith('dynamodb:')).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
  });

  it('the consumer reads the live-updates FIFO queue in batches, reporting failures per message', () => {
    const mapping = onlyResource(synth.stateless, 'AWS::Lambda::EventSourceMapping', { FunctionName: { Ref: functionById('LiveUpdatesConsumer').id } }).Properties;
    expect(mapping).toMatchObject({ BatchSize: LIVE_UPDATES_BATCH_SIZE, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    expect(JSON.stringify(mapping.EventSourceArn)).toContain('LiveUpdatesQueue');
  });
});

describe('the live-updates queue', () => {
  it('is FIFO with a FIFO DLQ after a few receives, visible again after 6 × the consumer timeout', () => {
    const queue = onlyResource(synth.stateful, 'AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LiveUpdatesDeadLetterQueue'), 'Arn'] } },
    }).Properties;
    expect(queue).toMatchObject({ FifoQueue: true, VisibilityTimeout: LIVE_UPDATES_VISIBILITY_TIMEOUT.toSeconds(), RedrivePolicy: { maxReceiveCount: LIVE_UPDATES_MAX_RECEIVE_COUNT } });
    synth.stateful.hasResourceProperties('AWS::SQS::Queue', { FifoQueue: true, QueueName: Match.absent() });
  });
});
