// The agent inbox: S3 + CloudFront in front of the app and the HTTP API
// (infra/constructs/web-app.ts). A stack of its own, so the distribution, slow to
// create and change, is not redeployed with every function change.
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { IHttpApi, IWebSocketApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Construct } from 'constructs';
import { allRoutes } from '../../shared/http/routes/index';
import { WebApp } from '../constructs/web-app';

export interface WebStackProps extends StackProps {
  readonly api: IHttpApi;
  /** Live updates' WebSocket API, served at `/live` (docs/live-updates.md). */
  readonly liveApi?: IWebSocketApi;
}

export class WebStack extends Stack {
  readonly webApp: WebApp;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    this.webApp = new WebApp(this, 'WebApp', { api: props.api, ...(props.liveApi ? { liveApi: props.liveApi } : {}), apiRoutePaths: allRoutes().map((route) => route.path) });
    new CfnOutput(this, 'InboxUrl', { value: this.webApp.url, description: 'The agent inbox (and the API on the same origin)' });
  }
}
