// LiveAuthorizer: the WebSocket API's REQUEST authorizer on $connect
// (docs/live-updates.md). The same credentials as the HTTP API's authorizer,
// resolved by the same use case: the inbox's session cookie (sent with the
// handshake, as the page is on the same origin), or, for non-browser clients,
// `?token=<API token>` (a WebSocket client in a browser cannot set headers) or
// `Authorization: Token <key>`. A handshake is a GET, so no CSRF token is asked
// for; another site's page cannot open the socket with the cookie because the
// cookie is SameSite=Strict. WebSocket authorizers answer with an IAM policy;
// the context reaches every later frame of the connection.
// What it answers: functions/handlers/live-authorizer.ts.
import { createLiveAuthorizerHandler } from './handlers/live-authorizer';
import { wireLiveAuthorizer } from '#wiring/live-authorizer';

const { resolveApiToken } = wireLiveAuthorizer();
export const handler = createLiveAuthorizerHandler({ resolveApiToken });
