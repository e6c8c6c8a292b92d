// HttpChannels: the channel use cases over DynamoDB, the channel secrets'
// key (Secrets Manager) and Telegram's Bot API; received messages go through
// the conversation use cases to the flow engine.
import { createChannelRepository } from '#adapters/dynamodb/channel-repository';
import { createRateLimitCounter } from '#adapters/dynamodb/rate-limit-counter';
import { createSecretBox } from '#adapters/secrets/secret-box';
import { createTelegramFiles, createTelegramSetup } from '#channels/telegram-api';
import { config } from '#config';
import type { HttpHandlerOptions } from '#http/handler';
import { createChannelUseCases, type ChannelUseCases } from '#use-cases/channels';
import { createConversationUseCases } from '#use-cases/conversations';
import { apiAdmission, attachmentStore, channelSecretsKey, tableClient, useCaseContext } from './adapters';
import { wireFlowEngine } from './flow-engine';
import { once } from './once';

export const wireHttpChannels = once((): { useCases: ChannelUseCases; admission: HttpHandlerOptions } => {
  const attachments = attachmentStore();
  const useCases = createChannelUseCases({
    channels: createChannelRepository(tableClient()),
    secrets: createSecretBox(channelSecretsKey),
    // getMe and setWebhook run inside an API request: 4 s each keeps channel creation within the function's timeout.
    telegram: createTelegramSetup(config.TELEGRAM_API_URL, 4000),
    rateLimits: createRateLimitCounter(tableClient()),
    // Received messages are routed by the conversation use cases, through the flow engine.
    inbox: createConversationUseCases(useCaseContext({ inbound: wireFlowEngine() })),
    receiveRateLimitPerMinute: config.CHANNEL_RECEIVE_RATE_LIMIT_PER_MINUTE,
    // Files contacts send to a bot are copied into the attachments bucket (the webhook waits: 8 s per file at most).
    ...(attachments ? { telegramFiles: createTelegramFiles(config.TELEGRAM_API_URL, 8000), attachmentSink: attachments } : {}),
  });
  return { useCases, admission: apiAdmission() };
});
