// The rules the local stack copies from AWS, checked without running anything:
// intrinsic functions, route precedence, event patterns, pipe JSON paths and
// which messages of an SQS batch are deleted.
import { describe, expect, it } from 'vitest';
import type { Message } from '@aws-sdk/client-sqs';
import { IntrinsicResolver, type CloudAssembly } from '../../infra/local/cloud-assembly';
import { matchesPattern } from '../../infra/local/event-pattern';
import { matchRoute } from '../../infra/local/http-api';
import { valueAtJsonPath } from '../../infra/local/pipe';
import { corsResponseHeaders, matchingCorsRule } from '../../infra/local/s3-cors';
import { messagesToDelete } from '../../infra/local/sqs-event-source';
import type { LocalFunction } from '../../infra/local/functions';

describe('intrinsic functions', () => {
  const producer = {
    name: 'Producer',
    resources: { Queue: { Type: 'AWS::SQS::Queue' } },
    outputs: { QueueArn: { Value: { 'Fn::GetAtt': ['Queue', 'Arn'] }, Export: { Name: 'Producer:QueueArn' } } },
  };
  const consumer = { name: 'Consumer', resources: { Role: { Type: 'AWS::IAM::Role' } }, outputs: {} };
  const assembly: CloudAssembly = { directory: '.', stacks: [producer, consumer] };
  const resolver = new IntrinsicResolver(assembly, 'eu-west-1');
  resolver.register(producer, 'Queue', { ref: 'https://queue', attributes: { Arn: 'arn:aws:sqs:eu-west-1:000000000000:q', QueueName: 'q' } });

  it('resolves Ref, GetAtt, ImportValue, Join, Sub, Select and Split', () => {
    expect(resolver.resolve({ 'Fn::ImportValue': 'Producer:QueueArn' }, consumer)).toBe('arn:aws:sqs:eu-west-1:000000000000:q');
    expect(resolver.resolve({ 'Fn::Join': ['/', [{ Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }]] }, producer)).toBe('eu-west-1/000000000000');
    expect(resolver.resolve({ 'Fn::Sub': '${Queue.QueueName}-${AWS::StackName}' }, producer)).toBe('q-Producer');
    expect(resolver.resolve({ 'Fn::Sub': ['${a}!', { a: { Ref: 'Queue' } }] }, producer)).toBe('https://queue!');
    expect(resolver.resolve({ 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] }, producer)).toBe('b');
    expect(resolver.resolve({ 'Fn::GetAtt': ['Role', 'Arn'] }, consumer)).toBe('arn:aws:iam::000000000000:role/Role');
  });

  it('names what it cannot resolve', () => {
    expect(() => resolver.resolve({ 'Fn::ImportValue': 'Nobody:Exports' }, consumer)).toThrow(/Nobody:Exports/);
    expect(() => resolver.resolve({ 'Fn::If': ['c', 1, 2] }, consumer)).toThrow(/Fn::If/);
  });
});

describe('route selection', () => {
  const fn = {} as LocalFunction;
  const route = (routeKey: string) => {
    const [method, path = ''] = routeKey === '$default' ? ['ANY', '/{proxy+}'] : routeKey.split(' ');
    const segments = path.split('/').filter(Boolean);
    return { routeKey, method: method!, segments, greedy: segments.at(-1)?.endsWith('+}') ?? false, function: fn, authorizer: undefined };
  };
  const routes = ['GET /tickets/{ticket}', 'GET /tickets/mine', 'ANY /tickets/{ticket}', 'GET /api/{proxy+}', '$default'].map(route);

  it('prefers literal segments, then parameters, then greedy ones, and a method over ANY', () => {
    expect(matchRoute(routes, 'GET', '/tickets/mine')?.route.routeKey).toBe('GET /tickets/mine');
    expect(matchRoute(routes, 'GET', '/tickets/t1')).toMatchObject({ route: { routeKey: 'GET /tickets/{ticket}' }, pathParameters: { ticket: 't1' } });
    expect(matchRoute(routes, 'DELETE', '/tickets/t1')?.route.routeKey).toBe('ANY /tickets/{ticket}');
    expect(matchRoute(routes, 'GET', '/api/v2/tickets.json')?.pathParameters).toEqual({ proxy: 'v2/tickets.json' });
    expect(matchRoute(routes, 'POST', '/elsewhere')?.route.routeKey).toBe('$default');
    expect(matchRoute(routes.slice(0, 4), 'POST', '/elsewhere')).toBeUndefined();
  });
});

describe('event patterns', () => {
  const record = { eventName: 'MODIFY', dynamodb: { NewImage: { type: { S: 'ticket' }, status: { S: 'open' } } } };

  it('matches exact values, prefix, exists and anything-but on nested fields', () => {
    expect(matchesPattern({ dynamodb: { NewImage: { type: { S: ['ticket'] } } } }, record)).toBe(true);
    expect(matchesPattern({ dynamodb: { NewImage: { type: { S: ['contact'] } } } }, record)).toBe(false);
    expect(matchesPattern({ eventName: [{ prefix: 'MOD' }] }, record)).toBe(true);
    expect(matchesPattern({ dynamodb: { OldImage: [{ exists: false }] } }, record)).toBe(true);
    expect(matchesPattern({ dynamodb: { NewImage: [{ exists: true }] } }, record)).toBe(true);
    expect(matchesPattern({ eventName: [{ 'anything-but': ['REMOVE'] }] }, record)).toBe(true);
    expect(matchesPattern({ eventName: [{ 'anything-but': 'MODIFY' }] }, record)).toBe(false);
  });
});

describe('pipe target parameters', () => {
  it('reads JSON paths from the record', () => {
    const event = { eventID: 'e1', dynamodb: { Keys: { pk: { S: 'WS#w#TICKET#t' } } } };
    expect(valueAtJsonPath(event, '$.dynamodb.Keys.pk.S')).toBe('WS#w#TICKET#t');
    expect(valueAtJsonPath(event, '$.eventID')).toBe('e1');
  });
});

describe('SQS batch outcome', () => {
  const batch = ['m1', 'm2', 'm3'].map((id) => ({ MessageId: id, ReceiptHandle: `r-${id}` }) as Message);
  const ids = (messages: Message[]) => messages.map((message) => message.MessageId);

  it('deletes all but the reported failures, nothing after an error, and nothing for an invalid report', () => {
    const result = (value: unknown) => ({ ok: true as const, result: value });
    expect(ids(messagesToDelete(batch, result({ batchItemFailures: [{ itemIdentifier: 'm2' }] }), true))).toEqual(['m1', 'm3']);
    expect(ids(messagesToDelete(batch, result({ batchItemFailures: [] }), true))).toEqual(['m1', 'm2', 'm3']);
    expect(ids(messagesToDelete(batch, result(null), true))).toEqual(['m1', 'm2', 'm3']);
    expect(messagesToDelete(batch, result({ batchItemFailures: [{ itemIdentifier: 'unknown' }] }), true)).toEqual([]);
    expect(messagesToDelete(batch, result({ batchItemFailures: [{ itemIdentifier: '' }] }), true)).toEqual([]);
    expect(messagesToDelete(batch, { ok: false, error: { errorType: 'Error', errorMessage: 'boom' } }, true)).toEqual([]);
    // Without ReportBatchItemFailures the response is not looked at.
    expect(ids(messagesToDelete(batch, result({ batchItemFailures: [{ itemIdentifier: 'm2' }] }), false))).toEqual(['m1', 'm2', 'm3']);
  });
});

describe('S3 CORS rules', () => {
  const rules = [
    { AllowedOrigins: ['https://*.example.com'], AllowedMethods: ['GET', 'PUT'], AllowedHeaders: ['content-*', 'x-amz-*'], ExposedHeaders: ['ETag'], MaxAge: 600 },
    { AllowedOrigins: ['*'], AllowedMethods: ['GET'] },
  ];

  it('takes the first rule allowing the origin (one * wildcard), the method and every requested header', () => {
    expect(matchingCorsRule(rules, { origin: 'https://inbox.example.com', method: 'PUT', headers: ['content-type', 'x-amz-meta-a'] })).toBe(rules[0]);
    expect(matchingCorsRule(rules, { origin: 'https://inbox.example.com', method: 'PUT', headers: ['authorization'] })).toBeUndefined();
    expect(matchingCorsRule(rules, { origin: 'https://example.org', method: 'PUT', headers: [] })).toBeUndefined();
    expect(matchingCorsRule(rules, { origin: 'https://example.org', method: 'GET', headers: [] })).toBe(rules[1]);
    expect(matchingCorsRule(rules, { origin: 'https://example.org', method: 'GET', headers: ['content-type'] })).toBeUndefined();
  });

  it('answers a preflight with methods, headers and max age, and a request with the exposed headers', () => {
    const request = { origin: 'https://inbox.example.com', method: 'PUT', headers: ['content-type'] };
    expect(corsResponseHeaders(rules[0]!, request, true)).toMatchObject({
      'access-control-allow-origin': 'https://inbox.example.com',
      'access-control-allow-methods': 'GET, PUT',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '600',
    });
    expect(corsResponseHeaders(rules[0]!, request, false)).toMatchObject({ 'access-control-expose-headers': 'ETag' });
    expect(corsResponseHeaders(rules[1]!, { ...request, method: 'GET' }, false)['access-control-allow-origin']).toBe('*');
  });
});
