// The agent inbox in AWS: the built app (web/, built by Vite while `cdk synth`
// stages it) in a private S3 bucket behind CloudFront with origin access
// control, and the HTTP API behind the same distribution, so the app and the
// API share one origin (no CORS). Which paths go to the API is derived from
// the route table, the one list of the API's routes; every other path is the
// app, where a CloudFront Function turns deep links (`/inbox/mine/<uuid>`)
// into index.html — only on the app's behaviour, so an API 404 stays the API's.
// The local stack serves the same template (infra/local/web-app.ts).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { DockerImage, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IHttpApi, IWebSocketApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

export const WEB_SOURCE_DIR = path.resolve(import.meta.dirname, '../../web');

/**
 * CloudFront path patterns for API paths (`/tickets/{ticket}/close`, …): one
 * per first path segment — `/x` when only `/x` is a route, `/x/*` when only
 * deeper paths are, `/x*` when both are — so the distribution stays well below
 * CloudFront's 25 behaviours. The app's own paths must start differently
 * (test/infra/web-app.test.ts checks it).
 */
export function apiPathPatterns(routePaths: readonly string[]): string[] {
  const bySegment = new Map<string, { exact: boolean; deeper: boolean }>();
  for (const routePath of routePaths) {
    const [, first = '', ...rest] = routePath.split('/');
    const entry = bySegment.get(first) ?? { exact: false, deeper: false };
    if (rest.length) entry.deeper = true;
    else entry.exact = true;
    bySegment.set(first, entry);
  }
  return [...bySegment.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([segment, { exact, deeper }]) => (exact && deeper ? `/${segment}*` : exact ? `/${segment}` : `/${segment}/*`));
}

/** CloudFront (cloudfront-js-2.0): a path without a file extension is a page of the app: serve index.html. */
export const SPA_FALLBACK_FUNCTION = `function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

/**
 * CloudFront (cloudfront-js-2.0), on the API's behaviours: API Gateway only
 * sees its own host, so the host the browser used goes along in
 * X-Forwarded-Host (links into the app, such as invitations, use it).
 */
export const FORWARDED_HOST_FUNCTION = `function handler(event) {
  var request = event.request;
  request.headers['x-forwarded-host'] = { value: request.headers.host.value };
  return request;
}`;

export interface WebAppProps {
  api: IHttpApi;
  /** Every path of the HTTP API's routes (`/tickets/{ticket}`, …). */
  apiRoutePaths: readonly string[];
  /** Live updates' WebSocket API: its stage `live` is served at `/live` (docs/live-updates.md). */
  liveApi?: IWebSocketApi;
}

/** The inbox's WebSocket path: the stage name of the live API, so CloudFront passes the path on unchanged. */
export const LIVE_PATH = '/live';
/** CloudFront access logs are kept this long. */
export const CLOUDFRONT_LOGS_RETENTION = Duration.days(90);

export class WebApp extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** CloudFront's access logs (standard logging): every request to the inbox and, through it, the API. */
  readonly logsBucket: Bucket;

  constructor(scope: Construct, id: string, props: WebAppProps) {
    super(scope, id);
    // CloudFront's standard logging writes with an ACL, so this bucket keeps ACLs (object writer owns).
    this.logsBucket = new Bucket(this, 'LogsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: CLOUDFRONT_LOGS_RETENTION }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const spaFallback = new CloudFrontFunction(this, 'SpaFallback', {
      code: FunctionCode.fromInline(SPA_FALLBACK_FUNCTION),
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Deep links of the inbox load index.html',
    });
    const forwardedHost = new CloudFrontFunction(this, 'ForwardedHost', {
      code: FunctionCode.fromInline(FORWARDED_HOST_FUNCTION),
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Passes the viewer host to the API as X-Forwarded-Host',
    });

    // `https://<id>.execute-api.<region>.amazonaws.com` → its host.
    const apiDomain = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    const apiBehavior: BehaviorOptions = {
      origin: new HttpOrigin(apiDomain, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // Headers (Authorization, X-CSRF-Token, …), cookies and query strings, but not Host (API Gateway needs its own).
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      functionAssociations: [{ function: forwardedHost, eventType: FunctionEventType.VIEWER_REQUEST }],
    };

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Ticketer: the agent inbox and its API on one origin',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logsBucket,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
        functionAssociations: [{ function: spaFallback, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        ...Object.fromEntries(apiPathPatterns(props.apiRoutePaths).map((pattern) => [pattern, apiBehavior])),
        ...(props.liveApi ? { [LIVE_PATH]: liveBehavior(props.liveApi) } : {}),
      },
    });

    new BucketDeployment(this, 'Deployment', {
      destinationBucket: this.bucket,
      sources: [webAppSource()],
      // Hashed assets revalidate cheaply (ETag); index.html must never be stale.
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/index.html'],
      memoryLimit: 512,
      // Its function's log group with a retention, like every other (docs/operations.md).
      logGroup: new LogGroup(this, 'DeploymentLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
    });
  }

  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}

/**
 * CloudFront passes WebSocket upgrades through to a custom origin; the handshake's
 * Sec-WebSocket-* headers, the session cookie and `?token=` must reach API
 * Gateway, its Host must not (API Gateway needs its own): the same origin request
 * policy as the HTTP API's behaviours.
 */
function liveBehavior(liveApi: IWebSocketApi): BehaviorOptions {
  // `wss://<id>.execute-api.<region>.amazonaws.com` → its host.
  const domain = Fn.select(2, Fn.split('/', liveApi.apiEndpoint));
  return {
    origin: new HttpOrigin(domain, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
    viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
    allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
    cachePolicy: CachePolicy.CACHING_DISABLED,
    originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
  };
}

/**
 * The built inbox as an asset: `cdk synth` runs the Vite build (locally, with
 * the project's own Node and Vite; no Docker) when web/'s sources changed — the
 * asset's hash is the sources', and an asset already staged is not built again.
 */
export function webAppSource() {
  return Source.asset(WEB_SOURCE_DIR, {
    exclude: ['dist', 'node_modules', '**/*.test.ts', '**/*.test.tsx'],
    bundling: {
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
      local: {
        tryBundle(outputDir) {
          const root = path.resolve(WEB_SOURCE_DIR, '..');
          execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn', '--outDir', outputDir], {
            cwd: root,
            // The config imports the route table (extensionless TypeScript imports): Vite's bundling
            // config loader handles them; its notice about a future native loader is noise here.
            env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
            stdio: ['ignore', process.stderr, 'inherit'],
          });
          return true;
        },
      },
    },
  });
}

