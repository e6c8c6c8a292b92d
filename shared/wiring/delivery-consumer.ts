// What the DeliveryConsumer function uses, built once per container: the
// delivery use case over the table, the channel secrets, the gateways'
// senders and the attachments bucket (handed to gateways as presigned GET
// URLs, 7 days), and the queue's message visibility (the retry backoff).
import { SQSClient } from '@aws-sdk/client-sqs';
import { createChannelRepository } from '#adapters/dynamodb/channel-repository';
import { createTableClient } from '#adapters/dynamodb/table-client';
import { traced } from '#adapters/observability/tracer';
import { createSecretBox } from '#adapters/secrets/secret-box';
import { sqsMessageVisibility } from '#adapters/sqs/retry-visibility';
import { createExternalSender } from '#channels/external-sender';
import { createTelegramSender } from '#channels/telegram-api';
import { attachmentStore, documentClient } from '#composition';
import { config } from '#config';
import { createDelivery } from '#use-cases/delivery';
import { channelSecretsKey } from '../channel-secrets-key';

export const delivery = createDelivery({
  channels: createChannelRepository(createTableClient({ client: documentClient, tableName: config.TABLE_NAME })),
  secrets: createSecretBox(channelSecretsKey),
  senders: { EX: createExternalSender(), TG: createTelegramSender(config.TELEGRAM_API_URL) },
  retryBaseSeconds: config.DELIVERY_RETRY_BASE_SECONDS,
  ...(attachmentStore ? { attachments: attachmentStore } : {}),
});

export const queueVisibility = sqsMessageVisibility(traced(new SQSClient({})));
