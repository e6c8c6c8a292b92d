// The Tickets tab: folders with their open counts, the Open/Closed status, the
// folder's tickets (newest activity first, paged endlessly, virtualized) and
// the open ticket.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, unwrap, type Schemas } from '../api/client';
import { useI18n } from '../i18n';
import { lastMessageLine } from '../lib/conversation';
import { neighbour, SHORTCUTS, shortcutFor } from '../lib/keyboard';
import { navigate, onLinkClick, ticketsPath, type FolderKey, type TicketsRoute } from '../router';
import { TicketView, type TicketViewHandle } from './TicketView';
import { Field } from '../lib/Field';
import { LiveIndicator, useLive } from '../live/LiveProvider';
import { queryKeys } from '../live/cache';

const PAGE_SIZE = 50;
const ROW_HEIGHT = 92;

export function Tickets({ route, me }: { route: TicketsRoute; me: Schemas['Me'] }) {
  const { t } = useI18n();
  const [helpOpen, setHelpOpen] = useState(false);
  const ticketView = useRef<TicketViewHandle>(null);
  const list = useTicketList(route);
  const uuids = useMemo(() => list.data?.pages.flatMap((page) => page.results.map((ticket) => ticket.uuid)) ?? [], [list.data]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const action = shortcutFor(event);
      if (!action) return;
      if (action === 'help') setHelpOpen((open) => !open);
      else if (action === 'next' || action === 'previous') {
        const next = neighbour(uuids, route.ticket, action === 'next' ? 1 : -1);
        if (next) navigate(ticketsPath({ ...route, ticket: next }));
      } else ticketView.current?.run(action);
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [uuids, route]);

  return (
    <div className="tickets">
      <Folders route={route} />
      <section className="ticket-list" aria-labelledby="ticket-list-title">
        <div className="list-head">
          <h1 id="ticket-list-title">{t('list.title')}</h1>
          <Field label={t('status.label')} inline>
            {(id) => (
                <select id={id} value={route.status} onChange={(event) => navigate(ticketsPath({ ...route, ticket: null, status: event.target.value as 'open' | 'closed' }))}>
                  <option value="open">{t('status.open')}</option>
                  <option value="closed">{t('status.closed')}</option>
                </select>
            )}
          </Field>
        </div>
        <TicketList route={route} query={list} />
      </section>
      <section className="ticket-pane" aria-label={t('ticket.conversation')}>
        {route.ticket ? <TicketView key={route.ticket} ref={ticketView} uuid={route.ticket} me={me} /> : <p className="empty">{t('ticket.none')}</p>}
      </section>
      {helpOpen && <ShortcutHelp onClose={() => setHelpOpen(false)} />}
    </div>
  );
}

function Folders({ route }: { route: TicketsRoute }) {
  const { t } = useI18n();
  const live = useLive();
  const folders = useQuery({
    queryKey: queryKeys.folders,
    queryFn: async () => unwrap(await api.GET('/folders')),
    refetchInterval: live.pollInterval,
  });
  const counts = folders.data;
  const entries: { key: FolderKey; name: string; count: number | undefined }[] = [
    { key: 'all', name: t('folders.all'), count: counts?.all },
    { key: 'unassigned', name: t('folders.unassigned'), count: counts?.unassigned },
    { key: 'mine', name: t('folders.mine'), count: counts?.mine },
    ...(counts?.topics ?? []).map((topic) => ({ key: `topic:${topic.uuid}` as FolderKey, name: topic.name, count: topic.open })),
  ];
  return (
    <nav className="folders" aria-label={t('folders.title')}>
      <ul>
        {entries.map((entry) => (
          <li key={entry.key}>
            <a
              href={ticketsPath({ folder: entry.key, ticket: null, status: route.status })}
              onClick={onLinkClick}
              aria-current={route.folder === entry.key ? 'page' : undefined}
            >
              <span className="folder-name">{entry.name}</span>
              {entry.count !== undefined && (
                <span className="count">
                  <span aria-hidden="true">{entry.count}</span>
                  <span className="visually-hidden">{t('folders.count', { count: entry.count })}</span>
                </span>
              )}
            </a>
          </li>
        ))}
      </ul>
      <LiveIndicator />
    </nav>
  );
}

function folderQuery(folder: FolderKey): { folder: 'all' | 'unassigned' | 'mine' | 'topic'; topic?: string } {
  return folder.startsWith('topic:') ? { folder: 'topic', topic: folder.slice('topic:'.length) } : { folder: folder as 'all' | 'unassigned' | 'mine' };
}

function useTicketList(route: TicketsRoute) {
  const live = useLive();
  return useInfiniteQuery({
    queryKey: queryKeys.list(route.folder, route.status),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) => {
      const page = unwrap(
        await api.GET('/tickets', {
          params: { query: { ...folderQuery(route.folder), status: route.status, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      );
      // A live event newer than this answer's rows wins (the request may have started before it).
      return live.reconcileList(page, route.folder, route.status);
    },
    getNextPageParam: (page) => page.next_cursor,
    refetchInterval: live.pollInterval,
  });
}

function TicketList({ route, query }: { route: TicketsRoute; query: ReturnType<typeof useTicketList> }) {
  const { t, formatTime } = useI18n();
  const tickets = useMemo(() => query.data?.pages.flatMap((page) => page.results) ?? [], [query.data]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: tickets.length + (query.hasNextPage ? 1 : 0),
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    initialRect: { width: 320, height: 800 },
  });
  const items = virtualizer.getVirtualItems();
  const last = items.at(-1);
  useEffect(() => {
    if (last && last.index >= tickets.length - 1 && query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage();
  }, [last, tickets.length, query]);

  if (query.isPending) return <p role="status">{t('app.loading')}</p>;
  if (query.isError) return <p role="alert">{t('app.error', { message: query.error.message })}</p>;
  if (!tickets.length) return <p className="empty">{t('list.empty')}</p>;
  return (
    <div ref={scroller} className="list-scroller" tabIndex={0} role="region" aria-labelledby="ticket-list-title">
      <ul aria-labelledby="ticket-list-title" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const ticket = tickets[item.index];
          if (!ticket) {
            return (
              <li key="more" className="more" style={{ transform: `translateY(${item.start}px)` }} role="status">
                {t('list.loadingMore')}
              </li>
            );
          }
          const name = ticket.contact.name || t('list.noName');
          const assignee = ticket.assignee?.name || ticket.assignee?.email || t('list.unassigned');
          const time = formatTime(ticket.last_activity_on);
          const message = lastMessageLine(ticket.last_message, t);
          const summary = [name, message, ticket.topic.name, assignee, time].filter(Boolean).join(', ');
          return (
            <li key={ticket.uuid} aria-label={summary} style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}>
              <a
                href={ticketsPath({ ...route, ticket: ticket.uuid })}
                onClick={onLinkClick}
                aria-current={route.ticket === ticket.uuid ? 'true' : undefined}
                className="ticket-row"
              >
                <span className="row-top">
                  <strong>{name}</strong>
                  <time dateTime={ticket.last_activity_on}>{time}</time>
                </span>
                {message && <span className="row-message">{message}</span>}
                <span className="row-bottom">
                  <span className="chip">{ticket.topic.name}</span>
                  <span>{assignee}</span>
                </span>
              </a>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function ShortcutHelp({ onClose }: { onClose(): void }) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal?.();
  }, []);
  return (
    <dialog ref={dialog} aria-labelledby="shortcuts-title" onClose={onClose} className="dialog">
      <h2 id="shortcuts-title">{t('shortcuts.title')}</h2>
      <dl className="shortcuts">
        {SHORTCUTS.map((shortcut) => (
          <div key={shortcut.key}>
            <dt>
              <kbd>{shortcut.key}</kbd>
            </dt>
            <dd>{t(shortcut.label)}</dd>
          </div>
        ))}
      </dl>
      <button type="button" onClick={() => dialog.current?.close()} autoFocus>
        {t('shortcuts.dismiss')}
      </button>
    </dialog>
  );
}
