// The service name and Ticketer's own metric names: declarations only, so that the CDK app
// (alarms, dashboard: infra/constructs/operations.ts) reads the very names the
// functions emit (shared/adapters/observability/metrics.ts) without loading Powertools.

/** The service of every log line, trace and metric (POWERTOOLS_SERVICE_NAME, set on every function by the CDK app). */
export const SERVICE_NAME = 'ticketer';

export const METRICS_NAMESPACE = 'Ticketer';

/** The metric names (the dashboard and alarms use the same constants). */
export const METRIC = {
  ticketsOpened: 'TicketsOpened',
  ticketsClosed: 'TicketsClosed',
  /** Agent replies on a ticket (outgoing messages with a ticket). */
  replies: 'Replies',
  /** Seconds from a ticket's opened_on to its first reply's replied_on, once per ticket. */
  firstResponseTime: 'FirstResponseTime',
  /** Messages a channel accepted. */
  deliveriesSent: 'DeliveriesSent',
  /** Messages that failed for good: refused by the channel, no channel, or retries exhausted (then in the DLQ). */
  deliveriesFailed: 'DeliveriesFailed',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

