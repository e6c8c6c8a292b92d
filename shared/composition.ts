// Kept only for the queue consumers that still import it until they move to
// their modules in shared/wiring/ (then this file goes): the container's
// document client and attachments bucket.
import { attachmentStore as attachmentStoreOf } from './wiring/adapters';
import { documentClient as documentClientOf } from './wiring/aws-clients';

export const documentClient = documentClientOf();

/** The attachments bucket; null when ATTACHMENTS_BUCKET_NAME is unset. */
export const attachmentStore = attachmentStoreOf();
