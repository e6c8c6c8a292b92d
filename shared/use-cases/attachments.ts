// Readable URLs for attachments of ours (docs/api.md, "Attachments"): the
// attachments bucket is private, so a message stores the object's canonical
// URL (what POST /attachments answers as `url`) and whoever must fetch the
// file — the contact's gateway, the agent's browser — is handed a presigned
// GET of it instead. The one place that decides which attachments are ours
// and how long their links live; the adapter (shared/adapters/s3) only
// recognizes its bucket's URLs and signs.

/** Reading objects of the attachments bucket (shared/adapters/s3/attachment-store.ts). */
export interface AttachmentReader {
  /** The object key when `url` is an object URL of the attachments bucket; null for any other string (never throws). */
  objectKey(url: string): Promise<string | null>;
  /** A presigned GET of the object. */
  createDownloadUrl(request: { key: string; expiresInSeconds: number }): Promise<string>;
}

/**
 * Links handed to a gateway: SigV4's maximum, 7 days, so that retries and a
 * gateway's own queue still find the file (each delivery try signs anew).
 * Signed with temporary credentials (a Lambda role), a URL stops working when
 * those credentials expire, if that is earlier (docs/channels.md).
 */
export const DELIVERY_LINK_SECONDS = 7 * 24 * 3600;
/** Links in what the API answers (the conversation, message lists): short, the inbox asks again. */
export const VIEW_LINK_SECONDS = 3600;

/** An attachment as messages carry it: RapidPro's `content-type:url`, or a bare URL (`type` null). */
export function splitAttachment(attachment: string): { type: string | null; url: string } {
  const match = /^([a-z]+\/[^:/]+):(.+)$/is.exec(attachment);
  return match ? { type: match[1]!, url: match[2]! } : { type: null, url: attachment };
}

export function createAttachmentLinks(reader: AttachmentReader | undefined) {
  /** The attachment with its URL replaced by a presigned GET when it is an object of the workspace in our bucket; else unchanged. */
  async function readable(workspace: string, attachment: string, expiresInSeconds: number): Promise<string> {
    if (!reader || typeof attachment !== 'string') return attachment;
    const { type, url } = splitAttachment(attachment);
    const key = await reader.objectKey(url);
    // Only the workspace's own objects: a URL of another workspace's file (its key's first segment) is not signed.
    if (key === null || !key.startsWith(`${workspace}/`)) return attachment;
    const signed = await reader.createDownloadUrl({ key, expiresInSeconds });
    return type === null ? signed : `${type}:${signed}`;
  }
  return {
    readable,
    async readableAll(workspace: string, attachments: readonly string[] | undefined, expiresInSeconds: number): Promise<string[]> {
      if (!attachments || attachments.length === 0) return [];
      return Promise.all(attachments.map((attachment) => readable(workspace, attachment, expiresInSeconds)));
    },
  };
}

export type AttachmentLinks = ReturnType<typeof createAttachmentLinks>;
