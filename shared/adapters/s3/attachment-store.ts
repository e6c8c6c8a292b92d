// The attachments bucket (docs/api.md, "Attachments"): S3 presigned PUTs for
// uploads, puts of files received through channels, and presigned GETs of its objects for whoever must read them (the
// bucket is private). The client and bucket come from the wiring (shared/wiring/adapters.ts);
// endpoints only from the SDK's standard AWS_ENDPOINT_URL_S3.
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { AttachmentReader } from '#use-cases/attachments';
import type { AttachmentSink } from '#use-cases/channel-ports';
import type { AttachmentStore } from '#use-cases/conversations';

/** A presigned URL without its signature: the object's own URL. */
const withoutQuery = (signed: string) => {
  const url = new URL(signed);
  return `${url.origin}${url.pathname}`;
};

export function createS3AttachmentStore(options: { client: S3Client; bucket: string }): AttachmentStore & AttachmentReader & AttachmentSink {
  /**
   * Where the bucket's object URLs start (`https://<bucket>.s3.<region>.amazonaws.com/`,
   * or `<endpoint>/<bucket>/` path-style): the URL the SDK signs for a probe key, less
   * the key. Signing is local (no call), so this is the same form upload URLs have.
   */
  let base: Promise<{ origin: string; path: string }> | undefined;
  const bucketBase = () => {
    base ??= getSignedUrl(options.client, new GetObjectCommand({ Bucket: options.bucket, Key: 'probe' }), { expiresIn: 60 }).then((signed) => {
      const url = new URL(signed);
      return { origin: url.origin, path: url.pathname.slice(0, -'probe'.length) };
    });
    base.catch(() => (base = undefined));
    return base;
  };

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
      return {
        upload_url: uploadUrl,
        // The object's own URL (the presigned one without its signature): what a message's attachments carry.
        url: withoutQuery(uploadUrl),
        headers: { 'content-type': contentType },
      };
    },

    async objectKey(candidate) {
      let url: URL;
      try {
        url = new URL(candidate);
      } catch {
        return null;
      }
      const { origin, path } = await bucketBase();
      if (url.origin !== origin || !url.pathname.startsWith(path) || url.pathname.length === path.length) return null;
      try {
        // The SDK writes keys with each path segment percent-encoded.
        return url.pathname.slice(path.length).split('/').map(decodeURIComponent).join('/');
      } catch {
        return null;
      }
    },

    async putObject({ key, body, contentType }) {
      await options.client.send(new PutObjectCommand({ Bucket: options.bucket, Key: key, Body: body, ContentType: contentType }));
      // The same form as an upload's url.
      return withoutQuery(await getSignedUrl(options.client, new GetObjectCommand({ Bucket: options.bucket, Key: key }), { expiresIn: 60 }));
    },

    async createDownloadUrl({ key, expiresInSeconds }) {
      return getSignedUrl(options.client, new GetObjectCommand({ Bucket: options.bucket, Key: key }), { expiresIn: expiresInSeconds });
    },
  };
}
