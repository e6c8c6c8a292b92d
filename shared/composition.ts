// The use cases wired to DynamoDB (and the mail port), created once per Lambda
// container at module scope. Endpoints come only from the SDK's standard
// AWS_ENDPOINT_URL_* variables.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createS3AttachmentStore } from '#adapters/s3/attachment-store';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { DOCUMENT_CLIENT_OPTIONS } from '#adapters/dynamodb/table-client';
import { createSesMailSender } from '#adapters/ses/mail-sender';
import { config } from '#config';
import { createUseCases, type UseCases } from '#use-cases/index';
import { traced } from '#adapters/observability/tracer';

export const documentClient = DynamoDBDocumentClient.from(traced(new DynamoDBClient({})), DOCUMENT_CLIENT_OPTIONS);

/** The attachments bucket (uploads, and presigned reads of its objects); null when ATTACHMENTS_BUCKET_NAME is unset. */
export const attachmentStore = config.ATTACHMENTS_BUCKET_NAME ? createS3AttachmentStore({ client: traced(new S3Client({})), bucket: config.ATTACHMENTS_BUCKET_NAME }) : null;

export const useCases: UseCases = createUseCases({
  ...createDynamoDbRepositories({ client: documentClient, tableName: config.TABLE_NAME }),
  ...(config.INVITATION_ACCEPT_URL ? { invitationAcceptUrl: config.INVITATION_ACCEPT_URL } : {}),
  mail: createSesMailSender({ client: traced(new SESv2Client({})), from: config.MAIL_FROM }),
  ...(attachmentStore ? { attachments: attachmentStore } : {}),
});
