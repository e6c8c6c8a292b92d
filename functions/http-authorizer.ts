// HttpAuthorizer: API Gateway HTTP API REQUEST authorizer (payload 2.0, simple responses).
// `Authorization: Token <key>`, as RapidPro clients send it, where the key is an
// API token or a session token from signing in — or, for the agent inbox, the
// session cookie, whose changes must carry the session's CSRF token
// (shared/http/session-cookie.ts). The key is looked up by its sha256 and never
// logged. API Gateway does not cache the answer (a request with only a cookie
// has no Authorization header to key a cache on), so a revoked token or an
// ended session stops working at once.
// What it answers: functions/handlers/http-authorizer.ts.
import { createHttpAuthorizerHandler } from './handlers/http-authorizer';
import { wireHttpAuthorizer } from '#wiring/http-authorizer';

const { resolveApiToken } = wireHttpAuthorizer();
export const handler = createHttpAuthorizerHandler({ resolveApiToken });
