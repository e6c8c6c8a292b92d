// HttpAccess: signing in and out, invitations, members and roles, API tokens,
// workspace settings. Sign-in and the invitation accept routes (the page and
// the acceptance) are public (no authorizer); every other route runs as the
// token's member. Passwords, secrets and tokens are never logged (the
// pipeline never logs events). What each route does:
// functions/handlers/http-access.ts.
import { createAccessHandler } from './handlers/http-access';
import { wireHttpAccess } from '#wiring/http-access';

const { useCases, admission } = wireHttpAccess();
export const handler = createAccessHandler(useCases, admission);
