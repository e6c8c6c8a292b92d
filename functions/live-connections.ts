// LiveConnections: every route of the WebSocket API (docs/live-updates.md) —
// $connect stores the connection, $disconnect removes it, and subscribe,
// typing, ping and $default answer the client's frames (the route response
// carries the answer; the frame parser, not the route, decides what a frame
// is, so $default's bad frames get the same error frames).
// What each route does: functions/handlers/live-connections.ts.
import { createLiveConnectionsHandler } from './handlers/live-connections';
import { wireLiveConnections } from '#wiring/live-connections';

export const handler = createLiveConnectionsHandler(wireLiveConnections());
