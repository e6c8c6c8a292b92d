// Powertools Metrics: CloudWatch metrics written as EMF lines on stdout, which
// Lambda's log pipeline turns into metrics (no PutMetricData call, no latency).
// Namespace `Ticketer`, one dimension set `{service}` for every metric: low
// cardinality on purpose (never a workspace or ticket id), so the alarms and
// the dashboard (infra/constructs/operations.ts) read one series per metric.
// What each metric means and who emits it: docs/operations.md.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SERVICE_NAME } from './logger';
import { METRICS_NAMESPACE, type MetricName } from './metric-names';

export { METRIC, METRICS_NAMESPACE, type MetricName } from './metric-names';

export interface MetricPoint {
  name: MetricName;
  unit: 'Count' | 'Seconds';
  value: number;
}

// The service is fixed (not the function's POWERTOOLS_SERVICE_NAME) so that the same metric from two functions is one series.
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

export function recordMetrics(points: readonly MetricPoint[]): void {
  for (const point of points) metrics.addMetric(point.name, point.unit === 'Seconds' ? MetricUnit.Seconds : MetricUnit.Count, point.value);
}

/** Writes what this invocation recorded (one EMF line); nothing, and no Powertools warning, when it recorded nothing. */
export function flushMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
