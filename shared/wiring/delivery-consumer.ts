// DeliveryConsumer: delivery over DynamoDB, the channel secrets, the channels'
// senders and the attachments bucket; the queue's visibility through SQS.
import { createChannelRepository } from '#adapters/dynamodb/channel-repository';
import { createSecretBox } from '#adapters/secrets/secret-box';
import { sqsMessageVisibility } from '#adapters/sqs/retry-visibility';
import { createExternalSender } from '#channels/external-sender';
import { createTelegramSender } from '#channels/telegram-api';
import { config } from '#config';
import { createDelivery } from '#use-cases/delivery';
import { attachmentsIfConfigured, channelSecretsKey, tableClient } from './adapters';
import { sqsClient } from './aws-clients';
import { once } from './once';

export const wireDeliveryConsumer = once(() => ({
  delivery: createDelivery({
    channels: createChannelRepository(tableClient()),
    secrets: createSecretBox(channelSecretsKey),
    senders: { EX: createExternalSender(), TG: createTelegramSender(config.TELEGRAM_API_URL) },
    retryBaseSeconds: config.DELIVERY_RETRY_BASE_SECONDS,
    // Attachments of the bucket reach the gateway as presigned GETs (7 days).
    ...attachmentsIfConfigured(),
  }),
  queue: sqsMessageVisibility(sqsClient()),
}));
