// The channel use cases and delivery wired to DynamoDB, Secrets Manager and
// the Bot API, created once per Lambda container (HttpChannels,
// DeliveryConsumer). The inbox is the conversations part's use cases.
import { createChannelRepository } from '#adapters/dynamodb/channel-repository';
import { createRateLimitCounter } from '#adapters/dynamodb/rate-limit-counter';
import { createTableClient } from '#adapters/dynamodb/table-client';
import { createSecretBox } from '#adapters/secrets/secret-box';
import { createTelegramSetup } from '#channels/telegram-api';
import { documentClient, useCases } from '#composition';
import { config } from '#config';
import { channelSecretsKey } from './channel-secrets-key';
import type { ChannelInbox } from '#use-cases/channel-ports';
import { createChannelUseCases } from '#use-cases/channels';

/** Raised when a message arrives before the conversations use cases are wired in (a deployment mistake, a 500). */
export class ChannelInboxUnavailable extends Error {
  override readonly name = 'ChannelInboxUnavailable';
}

/**
 * The inbox of `useCases`: the conversations part's receiveFromChannel,
 * registerChannelContact and stopChannelContact (shared/use-cases/conversations.ts,
 * merged into createUseCases).
 */
export function channelInboxOf(source: object): ChannelInbox {
  const candidate = source as Partial<ChannelInbox>;
  const missing = (name: string) => async () => {
    throw new ChannelInboxUnavailable(`${name} is not wired: the conversations use cases are missing from createUseCases.`);
  };
  return {
    receiveFromChannel: candidate.receiveFromChannel?.bind(source) ?? missing('receiveFromChannel'),
    registerChannelContact: candidate.registerChannelContact?.bind(source) ?? missing('registerChannelContact'),
    stopChannelContact: candidate.stopChannelContact?.bind(source) ?? missing('stopChannelContact'),
  };
}

const table = createTableClient({ client: documentClient, tableName: config.TABLE_NAME });

export const channelUseCases = createChannelUseCases({
  channels: createChannelRepository(table),
  secrets: createSecretBox(channelSecretsKey),
  // getMe and setWebhook run inside an API request: 4 s each keeps channel creation within the function's timeout.
  telegram: createTelegramSetup(config.TELEGRAM_API_URL, 4000),
  rateLimits: createRateLimitCounter(table),
  inbox: channelInboxOf(useCases),
  receiveRateLimitPerMinute: config.CHANNEL_RECEIVE_RATE_LIMIT_PER_MINUTE,
});
