// The environment, read and validated once per container, on first use.
import * as z from 'zod';
import { DEFAULT_API_REQUESTS_PER_HOUR } from '#domain/rate-limit';

const environment = z.object({
  TABLE_NAME: z.string({ error: 'TABLE_NAME is not set: the name of the Ticketer table.' }).min(1, 'TABLE_NAME is empty.'),
  POWERTOOLS_SERVICE_NAME: z.string().min(1).default('ticketer'),
  /** API requests an hour per workspace unless the workspace sets its own limit (RapidPro's default: 3600). */
  API_RATE_LIMIT_PER_HOUR: z.coerce
    .number({ error: 'API_RATE_LIMIT_PER_HOUR must be a number of requests an hour.' })
    .int()
    .positive('API_RATE_LIMIT_PER_HOUR must be at least 1.')
    .default(DEFAULT_API_REQUESTS_PER_HOUR),
  /** The sender of invitation mail (an identity verified in Amazon SES). */
  MAIL_FROM: z.string().min(3).default('Ticketer <no-reply@ticketer.invalid>'),
  /** The page that accepts invitations (an agent UI); the mailed link is this URL with `?secret=…`. Unset: the API's own accept route. */
  INVITATION_ACCEPT_URL: z.url({ error: 'INVITATION_ACCEPT_URL must be an absolute URL.' }).optional(),
  /** The TicketCommand function that flows' open_ticket invokes (FlowEngine, FlowTimers, HttpFlows, HttpChannels; shared/wiring/flow-engine.ts requires it). */
  TICKET_COMMAND_FUNCTION_NAME: z.string().min(1, 'TICKET_COMMAND_FUNCTION_NAME is empty.').optional(),
  /**
   * The S3 bucket of message attachments: HttpTickets presigns uploads into it (POST /attachments); HttpTickets,
   * HttpFlows and DeliveryConsumer presign reads of its objects. Unset: uploads are refused, attachments answered and sent as stored.
   */
  ATTACHMENTS_BUCKET_NAME: z.string().min(3, 'ATTACHMENTS_BUCKET_NAME is too short.').optional(),
  /** The FlowEngine function that the closed-ticket consumer starts flows with (it requires it). */
  FLOW_ENGINE_FUNCTION_NAME: z.string().min(1, 'FLOW_ENGINE_FUNCTION_NAME is empty.').optional(),
  /** The SNS FIFO topic StreamFanOut publishes the table stream's records to (it requires it). */
  FAN_OUT_TOPIC_ARN: z.string().min(1, 'FAN_OUT_TOPIC_ARN is empty.').optional(),
  /** The Secrets Manager secret whose value keys the channel secrets' encryption (HttpChannels, DeliveryConsumer require it). */
  CHANNEL_SECRETS_KEY_SECRET_ARN: z.string().min(1, 'CHANNEL_SECRETS_KEY_SECRET_ARN is empty.').optional(),
  /**
   * The WebSocket API of live updates (docs/live-updates.md): its endpoint (`wss://<api>.execute-api.<region>.amazonaws.com`)
   * and stage; @connections is called at `https://…/<stage>`. LiveConnections and LiveUpdatesConsumer require them.
   */
  LIVE_API_ENDPOINT: z.string().regex(/^wss?:\/\//, 'LIVE_API_ENDPOINT must be a ws:// or wss:// URL.').optional(),
  LIVE_STAGE: z.string().min(1, 'LIVE_STAGE is empty.').optional(),
  /**
   * Flow timers (docs/flow-engine-service.md, "Timers"): the schedule group, the FlowTimers function
   * the schedules invoke, the role EventBridge Scheduler invokes it as, and the schedules' dead-letter
   * queue. Set on every function that runs sprints; unset (tests of the use cases), waits time out only
   * when a message finds them expired.
   */
  FLOW_TIMERS_SCHEDULE_GROUP: z.string().min(1, 'FLOW_TIMERS_SCHEDULE_GROUP is empty.').optional(),
  FLOW_TIMERS_FUNCTION_ARN: z.string().min(1, 'FLOW_TIMERS_FUNCTION_ARN is empty.').optional(),
  FLOW_TIMERS_ROLE_ARN: z.string().min(1, 'FLOW_TIMERS_ROLE_ARN is empty.').optional(),
  FLOW_TIMERS_DEAD_LETTER_QUEUE_ARN: z.string().min(1, 'FLOW_TIMERS_DEAD_LETTER_QUEUE_ARN is empty.').optional(),
  /** Telegram's Bot API (tests and the local stack point it at a stand-in). */
  TELEGRAM_API_URL: z.url({ error: 'TELEGRAM_API_URL must be an absolute URL.' }).default('https://api.telegram.org'),
  /** Seconds before a failed delivery's second try; each later one waits twice as long. */
  DELIVERY_RETRY_BASE_SECONDS: z.coerce.number({ error: 'DELIVERY_RETRY_BASE_SECONDS must be a number of seconds.' }).int().min(0).max(3600).default(5),
  /** Requests a minute one channel's public receive and status routes let through. */
  CHANNEL_RECEIVE_RATE_LIMIT_PER_MINUTE: z.coerce.number({ error: 'CHANNEL_RECEIVE_RATE_LIMIT_PER_MINUTE must be a number.' }).int().positive().default(600),
});

/** A setting only some functions need: the value, or a clear error naming it when that function runs without it. */
export function requiredSetting<K extends keyof Config>(config: Config, name: K, purpose: string): NonNullable<Config[K]> {
  const value = config[name];
  if (value === undefined || value === null) throw new Error(`Invalid environment: ${String(name)} is not set: ${purpose}.`);
  return value as NonNullable<Config[K]>;
}

export type Config = z.infer<typeof environment>;

export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => issue.message).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  return parsed.data;
}

let parsed: Config | undefined;

/**
 * The environment, parsed and validated on first read rather than on import: a
 * function's wiring (shared/wiring/) reads it when the function first runs,
 * and tests import handler factories without a Lambda environment.
 */
export const config: Config = Object.defineProperties(
  {} as Config,
  Object.fromEntries(
    Object.keys(environment.shape).map((name) => [name, { enumerable: true, get: () => (parsed ??= parseConfig(process.env))[name as keyof Config] }]),
  ),
);
