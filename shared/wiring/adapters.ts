// The adapters several functions share, each built on first use, once per
// container, over the clients of aws-clients.ts: the table's repositories, the
// attachments bucket, invitation and flow mail, the channel secrets' key, and
// the API rate limit every HTTP function admits requests through. Only what a
// function's wiring calls ends up in its bundle.
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTableClient, DOCUMENT_CLIENT_OPTIONS, type TableOptions } from '#adapters/dynamodb/table-client';
import { createS3AttachmentStore } from '#adapters/s3/attachment-store';
import { secretsManagerKeyProvider, type KeyProvider } from '#adapters/secrets/secret-box';
import { createSesMailSender } from '#adapters/ses/mail-sender';
import { config, requiredSetting } from '#config';
import { workspaceRateLimit } from '#http/admission';
import type { HttpHandlerOptions } from '#http/handler';
import { createAccessUseCases } from '#use-cases/access';
import { createUseCaseContext, type UseCaseDeps } from '#use-cases/context';
import type { Repositories, MailSender } from '#use-cases/ports';
import { s3Client, secretsManagerClient, sesClient } from './aws-clients';
import { once } from './once';

/**
 * The one DynamoDB document client of the container (every repository shares its connections).
 * Here rather than in aws-clients.ts: lib-dynamodb's modules are not marked free of side effects,
 * so esbuild keeps whatever imports them, and a function that never touches the table (StreamFanOut)
 * imports aws-clients.ts but not this module.
 */
export const documentClient = /* @__PURE__ */ once((): DynamoDBDocumentClient => DynamoDBDocumentClient.from(new DynamoDBClient({}), DOCUMENT_CLIENT_OPTIONS));

/** The single table, through the container's document client. */
export function table(): TableOptions {
  return { client: documentClient(), tableName: config.TABLE_NAME };
}

export const tableClient = /* @__PURE__ */ once(() => createTableClient(table()));

/** Every storage port over the table (plain objects: building them loads no client but DynamoDB's). */
export const repositories = /* @__PURE__ */ once((): Repositories => createDynamoDbRepositories(table()));

/** The use cases' shared context over the repositories, with what the function's use cases need besides. */
export function useCaseContext(extra: Omit<UseCaseDeps, keyof Repositories> = {}) {
  return createUseCaseContext({ ...repositories(), ...extra });
}

/** The attachments bucket (uploads, and presigned reads of its objects); null when ATTACHMENTS_BUCKET_NAME is unset. */
export const attachmentStore = /* @__PURE__ */ once(() => {
  const bucket = config.ATTACHMENTS_BUCKET_NAME;
  return bucket ? createS3AttachmentStore({ client: s3Client(), bucket }) : null;
});

/** `{ attachments }` when the bucket is configured, else nothing (the use cases then refuse uploads and answer attachments as stored). */
export function attachmentsIfConfigured(): { attachments?: NonNullable<ReturnType<typeof attachmentStore>> } {
  const store = attachmentStore();
  return store ? { attachments: store } : {};
}

/** Mail from the configured sender (invitations, flows' send_email), through SES. */
export const mailSender = /* @__PURE__ */ once((): MailSender => createSesMailSender({ client: sesClient(), from: config.MAIL_FROM }));

const secretsKeyProvider = /* @__PURE__ */ once((): KeyProvider =>
  secretsManagerKeyProvider(secretsManagerClient(), requiredSetting(config, 'CHANNEL_SECRETS_KEY_SECRET_ARN', 'the channel secrets key')),
);
/**
 * The key of the channel secrets (shared/adapters/secrets/secret-box.ts): the
 * Secrets Manager secret named by CHANNEL_SECRETS_KEY_SECRET_ARN, read on first
 * use and kept for the container. Routes and records that open no secret work
 * without the setting.
 */
export const channelSecretsKey: KeyProvider = () => secretsKeyProvider()();

/** What every HTTP function lets in: requests within their workspace's API rate limit (shared/http/admission.ts). */
export const apiAdmission = /* @__PURE__ */ once((): HttpHandlerOptions => workspaceRateLimit(createAccessUseCases(useCaseContext()), config.API_RATE_LIMIT_PER_HOUR));
