import { NotFoundError } from '#domain/errors';
import { formatTimestamp } from '#domain/time';
import type { Repositories, WorkspaceDirectory } from './ports';

/** Who calls a use case: a workspace and a user, or `user: null` for a flow runtime or the system. */
export type Actor = { workspace: string; user: string | null };

export type UseCaseDeps = Repositories & { clock?: () => Date };

/** What every use-case module is built from. */
export interface UseCaseContext {
  repos: Repositories;
  now(): string;
  directory(workspace: string, options?: { consistent?: boolean }): Promise<WorkspaceDirectory>;
}

export function createUseCaseContext(deps: UseCaseDeps): UseCaseContext {
  const clock = deps.clock ?? (() => new Date());
  return {
    repos: deps,
    now: () => formatTimestamp(clock()),
    async directory(workspace, options) {
      const directory = await deps.workspaces.loadDirectory(workspace, options);
      if (!directory) throw new NotFoundError('workspace_not_found', 'No such workspace.');
      return directory;
    },
  };
}

export const PAGE_SIZE = { folderDefault: 25, folderMax: 250, apiDefault: 250, apiMax: 250 } as const;
