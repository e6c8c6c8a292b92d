// Live updates in React: one LiveConnection per signed-in tab, its events into
// the query cache (LiveCache) and the typing store, and the hooks the screens
// use — which ticket is open, the agent typing, whether to poll. Polling
// (every POLL_INTERVAL_MS, as before live updates) runs only while the socket
// is not open; each time it opens, the lists refetch once, since events sent
// while it was down are not replayed.
import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useI18n } from '../i18n';
import type { FolderKey } from '../router';
import { LiveCache } from './cache';
import { LiveConnection, liveUrl, type LiveState, type SocketLike } from './connection';
import type { LiveUser } from './events';
import { TypingStore } from './typing';

/** How often lists, counts and the open conversation are refreshed while live updates are off (the issue: within 10 s). */
export const POLL_INTERVAL_MS = 5_000;

interface Live {
  state: LiveState;
  connection: LiveConnection | null;
  cache: LiveCache | null;
  typing: TypingStore | null;
}

/** Without a provider (a screen tested alone): no socket, polling as before. */
const LiveContext = createContext<Live>({ state: 'offline', connection: null, cache: null, typing: null });

export function LiveProvider({ me, children, createSocket }: { me: string | null; children: ReactNode; createSocket?: (url: string) => SocketLike }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  const parts = useMemo(() => {
    const cache = new LiveCache(queryClient, me);
    const typing = new TypingStore(me);
    const connection: LiveConnection = new LiveConnection({
      url: liveUrl(window.location),
      ...(createSocket ? { createSocket } : {}),
      onEvent: (event) => {
        if (event.type === 'typing') typing.show(event.ticket_uuid, event.user);
        else cache.apply(event, connection.subscribedTicket);
      },
      onState: setState,
      onOpen: () => {
        // cancelRefetch: false — a fetch already under way (the page just loaded) is answer enough.
        for (const queryKey of [['tickets'], ['folders'], ['ticket'], ['conversation']]) void queryClient.invalidateQueries({ queryKey }, { cancelRefetch: false });
      },
    });
    return { cache, typing, connection };
  }, [queryClient, me, createSocket]);

  useEffect(() => {
    const { connection, typing } = parts;
    connection.start();
    const online = () => connection.retryNow();
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('online', online);
      connection.stop();
      typing.dispose();
    };
  }, [parts]);

  const value = useMemo<Live>(() => ({ state, ...parts }), [state, parts]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive() {
  const live = useContext(LiveContext);
  return useMemo(
    () => ({
      state: live.state,
      /** The refetchInterval of a query live events keep current: none while the socket is open. */
      pollInterval: live.state === 'open' ? (false as const) : POLL_INTERVAL_MS,
      typing: (ticket: string) => live.connection?.typing(ticket),
      reconcileList: <P extends Parameters<LiveCache['reconcileList']>[0]>(page: P, folder: FolderKey, status: 'open' | 'closed'): P =>
        live.cache ? (live.cache.reconcileList(page, folder, status) as P) : page,
      reconcileDetail: <D extends Parameters<LiveCache['reconcileDetail']>[0]>(detail: D): D => (live.cache ? live.cache.reconcileDetail(detail) : detail),
      reconcileConversation: <P extends Parameters<LiveCache['reconcileConversation']>[1]>(ticket: string, page: P, first: boolean): P =>
        live.cache ? (live.cache.reconcileConversation(ticket, page, first) as P) : page,
    }),
    [live],
  );
}

/** Tells the server which ticket's conversation is open, while this component is mounted. */
export function useLiveSubscription(ticket: string): void {
  const { connection } = useContext(LiveContext);
  useEffect(() => {
    connection?.subscribe(ticket);
    return () => {
      if (connection?.subscribedTicket === ticket) connection.subscribe(null);
    };
  }, [connection, ticket]);
}

const NOBODY: readonly LiveUser[] = [];

/** The colleagues typing in `ticket` now. */
export function useTyping(ticket: string): readonly LiveUser[] {
  const { typing } = useContext(LiveContext);
  return useSyncExternalStore(
    (listener) => typing?.listen(listener) ?? (() => undefined),
    () => typing?.who(ticket) ?? NOBODY,
  );
}

/**
 * A quiet line when live updates are off: the inbox still refreshes by polling. The region is
 * always there (aria-live announces only changes of content), empty while live.
 */
export function LiveIndicator() {
  const { t } = useI18n();
  const { state } = useContext(LiveContext);
  return (
    // data-live: the connection's state, for the browser tests (and anyone debugging in devtools).
    <p className="live-indicator" role="status" data-live={state}>
      {state === 'offline' && (
        <>
          <span className="live-dot" aria-hidden="true" />
          {t('live.off', { seconds: POLL_INTERVAL_MS / 1000 })}
        </>
      )}
    </p>
  );
}
