// The channel use cases and delivery wired to DynamoDB, Secrets Manager and
// the Bot API, created once per Lambda container (HttpChannels,
// DeliveryConsumer). The inbox is the conversations use cases (shared/flow-composition.ts).
import { createChannelRepository } from '#adapters/dynamodb/channel-repository';
import { createRateLimitCounter } from '#adapters/dynamodb/rate-limit-counter';
import { createTableClient } from '#adapters/dynamodb/table-client';
import { createSecretBox } from '#adapters/secrets/secret-box';
import { createTelegramFiles, createTelegramSetup } from '#channels/telegram-api';
import { attachmentStore, documentClient } from '#composition';
import { config } from '#config';
import { channelSecretsKey } from './channel-secrets-key';
import { createChannelUseCases } from '#use-cases/channels';
import { inboundUseCases } from './flow-composition';

const table = createTableClient({ client: documentClient, tableName: config.TABLE_NAME });

export const channelUseCases = createChannelUseCases({
  channels: createChannelRepository(table),
  secrets: createSecretBox(channelSecretsKey),
  // getMe and setWebhook run inside an API request: 4 s each keeps channel creation within the function's timeout.
  telegram: createTelegramSetup(config.TELEGRAM_API_URL, 4000),
  rateLimits: createRateLimitCounter(table),
  // Received messages are routed by the conversations use cases, through the flow engine.
  inbox: inboundUseCases,
  receiveRateLimitPerMinute: config.CHANNEL_RECEIVE_RATE_LIMIT_PER_MINUTE,
  // Files contacts send to a bot are copied into the attachments bucket (the webhook waits: 8 s per file at most).
  ...(attachmentStore ? { telegramFiles: createTelegramFiles(config.TELEGRAM_API_URL, 8000), attachmentSink: attachmentStore } : {}),
});
