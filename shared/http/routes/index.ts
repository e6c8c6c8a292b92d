// Every route of the HTTP API, grouped by the function that serves it (CDK ids
// of docs/architecture.md). The OpenAPI generator and the tests read this; the
// CDK stack can declare its HTTP routes from it too (`routeKey`).
import type { RouteSpec } from '../route-spec';
import { accessRoutes } from './access';
import { channelPublicRoutes, channelRoutes, channelV2Routes } from './channels';
import { contactRoutes } from './contacts';
import { flowRoutes, flowV2Routes } from './flows';
import { rapidProV2Routes } from './rapidpro-v2';
import { ticketRoutes } from './tickets';
import { topicRoutes } from './topics';
import { triggerRoutes } from './triggers';

export const routesByFunction = {
  HttpTickets: ticketRoutes,
  HttpTopics: topicRoutes,
  HttpContacts: contactRoutes,
  HttpRapidProV2: rapidProV2Routes,
  HttpAccess: accessRoutes,
  HttpFlows: { ...flowRoutes, ...flowV2Routes },
  HttpTriggers: triggerRoutes,
  HttpChannels: { ...channelRoutes, ...channelV2Routes, ...channelPublicRoutes },
} satisfies Record<string, Record<string, RouteSpec>>;

export function allRoutes(): RouteSpec[] {
  return Object.values(routesByFunction).flatMap((group) => Object.values(group) as RouteSpec[]);
}
