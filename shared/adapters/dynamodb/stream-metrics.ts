// The operators' ticket metrics, read from the table stream records the
// StreamFanOut function publishes: every ticket and message change reaches it
// whichever way it was made (HTTP API, RapidPro v2 API, ticket command, flows),
// so the counts need no hook in each use case. A batch the pipe retries after
// a partial publish may count its records twice: metrics are for trends and
// alarms, the table stays the record.
import { DynamoDBStreamRecord } from '@aws-lambda-powertools/parser/schemas/dynamodb';
import { METRIC, type MetricPoint } from '../observability/metrics';
import { ITEM_TYPE } from './keys';

/** The metric points of one stream record (none for records that are not ticket or reply changes). */
export function streamRecordMetrics(record: unknown): MetricPoint[] {
  // Powertools Parser checks the record and unmarshalls its images; a malformed record counts for nothing here
  // (it is still published: each consumer reports it as a poison message of its own queue).
  const parsed = DynamoDBStreamRecord.safeParse(record);
  if (!parsed.success) return [];
  const { eventName, dynamodb } = parsed.data;
  const after = dynamodb.NewImage;
  const before = dynamodb.OldImage;
  if (!after) return [];
  const points: MetricPoint[] = [];
  if (after.type === ITEM_TYPE.ticket) {
    if (eventName === 'INSERT') points.push({ name: METRIC.ticketsOpened, unit: 'Count', value: 1 });
    if (before?.status === 'open' && after.status === 'closed') points.push({ name: METRIC.ticketsClosed, unit: 'Count', value: 1 });
    // The first reply sets replied_on; later replies keep it.
    if (!before?.replied_on && typeof after.replied_on === 'string' && typeof after.opened_on === 'string') {
      const seconds = (Date.parse(after.replied_on) - Date.parse(after.opened_on)) / 1000;
      if (Number.isFinite(seconds) && seconds >= 0) points.push({ name: METRIC.firstResponseTime, unit: 'Seconds', value: seconds });
    }
  }
  if (after.type === ITEM_TYPE.message && eventName === 'INSERT' && after.direction === 'out' && typeof after.ticket_uuid === 'string') {
    points.push({ name: METRIC.replies, unit: 'Count', value: 1 });
  }
  return points;
}

export function streamMetrics(records: readonly unknown[]): MetricPoint[] {
  return records.flatMap(streamRecordMetrics);
}
