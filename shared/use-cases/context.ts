import { NotFoundError } from '#domain/errors';
import { formatTimestamp } from '#domain/time';
import type { AttachmentStore, InboundRouter } from './conversations';
import type { MailSender, Repositories, WorkspaceDirectory } from './ports';

/** Who calls a use case: a workspace and a user, or `user: null` for a flow runtime or the system. */
export type Actor = { workspace: string; user: string | null };

export type UseCaseDeps = Repositories & {
  clock?: () => Date;
  /** Sends invitations; without it inviting fails (the local seed and most tests never invite). */
  mail?: MailSender;
  /** The page that accepts invitations (the agent UI); the link in the mail is this URL with `?secret=<secret>`. Default: the API's accept route. */
  invitationAcceptUrl?: string;
  /** Routes channel messages (the flow use cases); without it receiveFromChannel fails (only functions that receive channel messages need it). */
  inbound?: InboundRouter;
  /** Presigned attachment uploads; without it POST /attachments fails (ATTACHMENTS_BUCKET_NAME unset). */
  attachments?: AttachmentStore;
};

/** What every use-case module is built from. */
export interface UseCaseContext {
  repos: Repositories;
  deps: UseCaseDeps;
  /** The current time as a Date (for expiries and rate-limit windows). */
  clock(): Date;
  now(): string;
  directory(workspace: string, options?: { consistent?: boolean }): Promise<WorkspaceDirectory>;
}

export function createUseCaseContext(deps: UseCaseDeps): UseCaseContext {
  const clock = deps.clock ?? (() => new Date());
  return {
    repos: deps,
    deps,
    clock,
    now: () => formatTimestamp(clock()),
    async directory(workspace, options) {
      const directory = await deps.workspaces.loadDirectory(workspace, options);
      if (!directory) throw new NotFoundError('workspace_not_found', 'No such workspace.');
      return directory;
    },
  };
}

export const PAGE_SIZE = { folderDefault: 25, folderMax: 250, apiDefault: 250, apiMax: 250 } as const;
