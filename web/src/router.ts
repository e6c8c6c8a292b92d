// A small router over the History API: the app has a handful of screens, so a
// routing library would only add weight. Paths (paths.ts):
//   /login   /accept?secret=…   /manage/logins|triggers|flows|topics|channels
//   /inbox/<folder>[/<ticket uuid>]?status=closed   folder: all | unassigned | mine | <topic uuid>
import { useSyncExternalStore } from 'react';
import { APP_PATHS } from './paths';

export interface Location {
  path: string;
  search: URLSearchParams;
}

const listeners = new Set<() => void>();
let snapshot = read();

function read(): Location {
  return { path: window.location.pathname, search: new URLSearchParams(window.location.search) };
}

function notify() {
  snapshot = read();
  for (const listener of listeners) listener();
}

if (typeof window !== 'undefined') window.addEventListener('popstate', notify);

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return notify();
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
}

export function useLocation(): Location {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => snapshot,
  );
}

export type FolderKey = 'all' | 'unassigned' | 'mine' | `topic:${string}`;

export interface TicketsRoute {
  folder: FolderKey;
  ticket: string | null;
  status: 'open' | 'closed';
}

/** `/inbox/mine/<uuid>?status=closed` → its parts; null for other paths. */
export function parseTicketsPath(path: string, search: URLSearchParams): TicketsRoute | null {
  const match = /^\/inbox(?:\/([^/]+))?(?:\/([^/]+))?\/?$/.exec(path);
  if (!match) return null;
  const folderSegment = match[1] ?? 'all';
  const folder: FolderKey = ['all', 'unassigned', 'mine'].includes(folderSegment) ? (folderSegment as FolderKey) : `topic:${folderSegment}`;
  return { folder, ticket: match[2] ?? null, status: search.get('status') === 'closed' ? 'closed' : 'open' };
}

export function ticketsPath(route: TicketsRoute): string {
  const folder = route.folder.startsWith('topic:') ? route.folder.slice('topic:'.length) : route.folder;
  return `${APP_PATHS.inbox}/${folder}${route.ticket ? `/${route.ticket}` : ''}${route.status === 'closed' ? '?status=closed' : ''}`;
}

/** Follows the link without a page load (plain clicks only; modified clicks open tabs as usual). */
export function onLinkClick(event: React.MouseEvent<HTMLAnchorElement>): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(event.currentTarget.getAttribute('href') ?? '/');
}
