// HttpRapidProV2: the RapidPro API v2 endpoints for tickets and topics, with
// RapidPro's shapes, paging and error bodies (docs/api.md, "API v2"), and the
// workspace's users (users.json).
// What each route does: functions/handlers/http-rapidpro-v2.ts.
import { createRapidProV2Handler } from './handlers/http-rapidpro-v2';
import { wireHttpRapidProV2 } from '#wiring/http-rapidpro-v2';

const { useCases, admission } = wireHttpRapidProV2();
export const handler = createRapidProV2Handler(useCases, admission);
