// The delivery consumer's metrics: what became of each outgoing message.
import type { DeliveryResult } from '#use-cases/delivery';
import { METRIC, type MetricPoint } from './metrics';

/** Sent, failed for good (refused, no channel, or retries exhausted: the message goes to the DLQ), or nothing yet (skipped, a retry to come). */
export function deliveryMetrics(result: DeliveryResult): MetricPoint[] {
  if (result.kind === 'wired') return [{ name: METRIC.deliveriesSent, unit: 'Count', value: 1 }];
  if (result.kind === 'failed' || (result.kind === 'retry' && result.final)) return [{ name: METRIC.deliveriesFailed, unit: 'Count', value: 1 }];
  return [];
}
