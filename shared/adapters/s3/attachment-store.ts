// Attachment uploads: S3 presigned PUTs into the attachments bucket
// (docs/api.md, "Attachments"). The client and bucket come from the
// composition; endpoints only from the SDK's standard AWS_ENDPOINT_URL_S3.
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { AttachmentStore } from '#use-cases/conversations';

export function createS3AttachmentStore(options: { client: S3Client; bucket: string }): AttachmentStore {
  return {
    async createUploadUrl({ key, contentType, size, expiresInSeconds }) {
      const command = new PutObjectCommand({
        Bucket: options.bucket,
        Key: key,
        ContentType: contentType,
        ...(size !== undefined ? { ContentLength: size } : {}),
      });
      // Content-Type (and the length, when the client said it) are signed: a PUT with another type or size is refused by S3.
      const uploadUrl = await getSignedUrl(options.client, command, {
        expiresIn: expiresInSeconds,
        signableHeaders: new Set(['content-type', ...(size !== undefined ? ['content-length'] : [])]),
      });
      const url = new URL(uploadUrl);
      return {
        upload_url: uploadUrl,
        // The object's own URL (the presigned one without its signature): what a message's attachments carry.
        url: `${url.origin}${url.pathname}`,
        headers: { 'content-type': contentType },
      };
    },
  };
}
