// The inbox's distribution: S3 with origin access control for the app, the
// API's paths (from the route table) to the HTTP API, deep links of the app to
// index.html but never an API path.
import vm from 'node:vm';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FORWARDED_HOST_FUNCTION, LIVE_PATH, SPA_FALLBACK_FUNCTION, apiPathPatterns } from '../../infra/constructs/web-app';
import { addTicketerStacks } from '../../infra/stacks/ticketer';
import { matchesPathPattern } from '../../infra/local/web-app';
import { allRoutes } from '../../shared/http/routes/index';
import { APP_PATHS } from '../../web/src/paths';

let web: Template;
let stateless: Template;
beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stacks = addTicketerStacks(app);
  web = Template.fromStack(stacks.web);
  stateless = Template.fromStack(stacks.stateless);
});

const runFunction = (code: string, request: object) =>
  vm.runInNewContext(`${code}\n;handler(event);`, { event: { request } }) as { uri: string; headers: Record<string, { value: string }> };

describe('the inbox distribution', () => {
  it('routes every API route to the HTTP API and no path of the app', () => {
    const patterns = apiPathPatterns(allRoutes().map((route) => route.path));
    expect(patterns.length).toBeLessThanOrEqual(24); // CloudFront's default quota is 25 behaviours
    for (const route of allRoutes()) {
      const concrete = route.path.replace(/\{[^}]+\}/g, '0190a000-0000-7000-8000-000000000001');
      expect(patterns.some((pattern) => matchesPathPattern(pattern, concrete)), route.path).toBe(true);
    }
    for (const appPath of Object.values(APP_PATHS)) {
      for (const candidate of [appPath, `${appPath}/all`, `${appPath}/mine/0190a000-0000-7000-8000-000000000001`]) {
        expect(patterns.filter((pattern) => matchesPathPattern(pattern, candidate)), candidate).toEqual([]);
      }
    }
    const distribution = web.findResources('AWS::CloudFront::Distribution');
    const config = Object.values(distribution)[0]!.Properties.DistributionConfig;
    expect(config.CacheBehaviors.map((behavior: { PathPattern: string }) => behavior.PathPattern)).toEqual([...patterns, LIVE_PATH]);
    for (const behavior of config.CacheBehaviors.filter((candidate: { PathPattern: string }) => candidate.PathPattern !== LIVE_PATH)) {
      expect(behavior.AllowedMethods).toContain('POST');
      expect(behavior.ViewerProtocolPolicy).toBe('https-only');
    }
  });

  it('passes /live (and only /live) to the live-updates WebSocket API, handshake headers, cookies and ?token= included, Host not', () => {
    const config = Object.values(web.findResources('AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig;
    const behavior = config.CacheBehaviors.find((candidate: { PathPattern: string }) => candidate.PathPattern === LIVE_PATH);
    const origin = config.Origins.find((candidate: { Id: string }) => candidate.Id === behavior.TargetOriginId);
    expect(JSON.stringify(origin.DomainName)).toMatch(/LiveWebSocketApi.*ApiEndpoint/);
    expect(origin.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
    expect(behavior).toMatchObject({ ViewerProtocolPolicy: 'https-only', CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac' });
    for (const appPath of Object.values(APP_PATHS)) expect(matchesPathPattern(LIVE_PATH, appPath)).toBe(false);
    // The stage is named as the path, so CloudFront passes /live to the stage unchanged.
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: LIVE_PATH.slice(1) });
  });

  it('serves the app from a private bucket through origin access control', () => {
    web.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    web.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    web.resourceCountIs('Custom::CDKBucketDeployment', 1);
  });

  it('logs every request (CloudFront standard logging) to a retained, ACL-enabled log bucket', () => {
    const config = Object.values(web.findResources('AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig;
    expect(config.Logging.Prefix).toBe('cloudfront/');
    const [bucketId] = config.Logging.Bucket['Fn::GetAtt'];
    const bucket = web.toJSON().Resources[bucketId];
    expect(bucket.Properties.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'ObjectWriter' }]); // CloudFront writes logs with an ACL
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([{ ExpirationInDays: 90, Status: 'Enabled' }]);
    expect(bucket.DeletionPolicy).toBe('Retain');
  });

  it('answers deep links of the app with index.html and leaves files alone', () => {
    expect(runFunction(SPA_FALLBACK_FUNCTION, { uri: '/inbox/mine/0190a000-0000-7000-8000-000000000001' }).uri).toBe('/index.html');
    expect(runFunction(SPA_FALLBACK_FUNCTION, { uri: '/' }).uri).toBe('/index.html');
    expect(runFunction(SPA_FALLBACK_FUNCTION, { uri: '/assets/index-abc.js' }).uri).toBe('/assets/index-abc.js');
  });

  it('passes the viewer’s host to the API as X-Forwarded-Host', () => {
    const request = runFunction(FORWARDED_HOST_FUNCTION, { uri: '/invitations', headers: { host: { value: 'inbox.example.com' } } });
    expect(request.headers['x-forwarded-host']).toEqual({ value: 'inbox.example.com' });
  });

  it('has an authorizer without identity source or cache, so a request with only the session cookie reaches it', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { IdentitySource: [], AuthorizerResultTtlInSeconds: 0, EnableSimpleResponses: true });
  });
});
