// HttpFlows: the flow engine service over HTTP — import and list flows, start
// a flow for a contact, inbound messages, a contact's messages — and
// RapidPro's GET /api/v2/messages.json (docs/flow-engine-service.md).
// What each route does: functions/handlers/http-flows.ts.
import { createFlowsHandler } from './handlers/http-flows';
import { wireHttpFlows } from '#wiring/http-flows';

export const handler = createFlowsHandler(wireHttpFlows());
