// Live events into TanStack Query's cache, so the lists, counts and the open
// conversation change without a request. The rule that holds it together:
// nothing older overwrites something newer. Events carry the ticket's version;
// the newest seen per ticket is remembered, so a late or repeated event is
// dropped, and a REST answer that started before an event cannot undo it
// (reconcile* below run on every REST answer). REST rows carry the same version.
import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import type { Schemas } from '../api/client';
import type { FolderKey } from '../router';
import type { ConversationMsg, LiveEvent, MsgStatus, TicketRow } from './events';

type TicketPage = { results: TicketRow[]; next_cursor: string | null };
type ConversationPage = Schemas['ConversationPage'];
type ConversationItem = Schemas['ConversationItem'];
type TicketDetail = { ticket: TicketRow } & Record<string, unknown>;

/** Query keys of the screens (Tickets.tsx, TicketView.tsx). */
export const queryKeys = {
  list: (folder: FolderKey, status: 'open' | 'closed') => ['tickets', folder, status] as const,
  folders: ['folders'] as const,
  detail: (ticket: string) => ['ticket', ticket] as const,
  conversation: (ticket: string) => ['conversation', ticket] as const,
};

/** Whether `ticket` is a row of the list `folder`/`status` for the user `me` (the folders of GET /tickets). */
export function belongsTo(ticket: TicketRow, folder: FolderKey, status: 'open' | 'closed', me: string | null): boolean {
  if (ticket.status !== status) return false;
  if (folder === 'all') return true;
  if (folder === 'unassigned') return ticket.assignee === null;
  if (folder === 'mine') return me !== null && ticket.assignee?.uuid === me;
  return ticket.topic.uuid === folder.slice('topic:'.length);
}

/** Whether `a` is a later state of the ticket than `b`. */
export function isNewer(a: TicketRow, b: TicketRow): boolean {
  return a.version > b.version;
}

/** Folder order: newest activity first, ties by uuid (the table's sort key `last_activity_on#uuid`, descending). */
function before(a: TicketRow, b: TicketRow): boolean {
  return a.last_activity_on > b.last_activity_on || (a.last_activity_on === b.last_activity_on && a.uuid > b.uuid);
}

/**
 * The pages with `uuid`'s row removed and, when `row` is given, `row` put in its place in the
 * order. A row that sorts after everything loaded goes in only on the last page (else paging
 * down brings it).
 */
export function placeRow(pages: readonly TicketPage[], uuid: string, row: TicketRow | null): TicketPage[] {
  const without = pages.map((page) => (page.results.some((ticket) => ticket.uuid === uuid) ? { ...page, results: page.results.filter((ticket) => ticket.uuid !== uuid) } : page));
  if (!row) return without;
  for (let index = 0; index < without.length; index++) {
    const page = without[index]!;
    const last = index === without.length - 1;
    const at = page.results.findIndex((ticket) => before(row, ticket));
    if (at >= 0) return without.map((other, i) => (i === index ? { ...page, results: [...page.results.slice(0, at), row, ...page.results.slice(at)] } : other));
    if (last && page.next_cursor === null) return without.map((other, i) => (i === index ? { ...page, results: [...page.results, row] } : other));
  }
  return without;
}

function folderOf(key: readonly unknown[]): { folder: FolderKey; status: 'open' | 'closed' } | null {
  const [, folder, status] = key;
  return typeof folder === 'string' && (status === 'open' || status === 'closed') ? { folder: folder as FolderKey, status } : null;
}

/** Message uuid → newest copy received live, so a REST page read before it was stored does not lose it. */
type LiveMessages = Map<string, ConversationMsg>;

export class LiveCache {
  /** Newest version seen per ticket, with its state (null: hidden from this user). */
  private readonly tickets = new Map<string, { version: number; ticket: TicketRow | null }>();
  private countsVersion: bigint | null = null;
  /** Messages received live, per ticket whose conversation they belong to. */
  private readonly messages = new Map<string, LiveMessages>();

  constructor(
    private readonly queryClient: QueryClient,
    private readonly me: string | null,
  ) {}

  /** Applies one server event; `openTicket`: the ticket whose conversation is open (subscribed). */
  apply(event: LiveEvent, openTicket: string | null): void {
    switch (event.type) {
      case 'ticket_changed':
        return this.ticketChanged(event.ticket, openTicket);
      case 'ticket_hidden':
        return this.ticketHidden(event.ticket_uuid, event.version);
      case 'counts_changed':
        return this.countsChanged(event.version, event.counts);
      case 'msg_created':
        return this.msgCreated(event.msg, openTicket);
      case 'msg_status_changed':
        return this.msgStatusChanged(event.msg);
      default:
        // typing is shown by TypingStore; subscribed, pong and error change no data.
        return;
    }
  }

  private remember(uuid: string, version: number, ticket: TicketRow | null): boolean {
    const seen = this.tickets.get(uuid);
    if (seen && seen.version >= version) return false;
    this.tickets.set(uuid, { version, ticket });
    return true;
  }

  private ticketChanged(ticket: TicketRow, openTicket: string | null): void {
    if (!this.remember(ticket.uuid, ticket.version, ticket)) return;
    this.updateLists(ticket.uuid, ticket.version, ticket);
    this.queryClient.setQueryData<TicketDetail>(queryKeys.detail(ticket.uuid), (detail) =>
      detail && !isNewer(detail.ticket, ticket) ? { ...detail, ticket } : detail,
    );
    // The event has the ticket, not its history lines ("Assigned to Ana by Bruno"): the open
    // conversation refetches for them (one request per change of the one open ticket).
    if (ticket.uuid === openTicket) void this.queryClient.invalidateQueries({ queryKey: queryKeys.conversation(ticket.uuid) });
  }

  private ticketHidden(uuid: string, version: number): void {
    if (!this.remember(uuid, version, null)) return;
    this.updateLists(uuid, version, null);
  }

  /** Every copy of the ticket in the cache: list rows and the detail (REST answers of different moments). */
  private cachedRows(uuid: string): TicketRow[] {
    const rows: TicketRow[] = [];
    for (const query of this.queryClient.getQueryCache().findAll({ queryKey: ['tickets'] })) {
      const data = query.state.data as InfiniteData<TicketPage, unknown> | undefined;
      const row = data?.pages.flatMap((page) => page.results).find((candidate) => candidate.uuid === uuid);
      if (row) rows.push(row);
    }
    const detail = this.queryClient.getQueryData<TicketDetail>(queryKeys.detail(uuid));
    if (detail) rows.push(detail.ticket);
    return rows;
  }

  /**
   * Puts `ticket` (null: none) in the cached lists it belongs to and out of the others — unless the
   * cache holds a newer state of it anywhere (then that state decides every list: a late event must
   * not put the ticket back into a folder it has left).
   */
  private updateLists(uuid: string, version: number, ticket: TicketRow | null): void {
    const newer = this.cachedRows(uuid).some((row) => row.version > version);
    if (newer) return;
    for (const query of this.queryClient.getQueryCache().findAll({ queryKey: ['tickets'] })) {
      const list = folderOf(query.queryKey);
      const data = query.state.data as InfiniteData<TicketPage, unknown> | undefined;
      if (!list || !data) continue;
      const present = data.pages.some((page) => page.results.some((row) => row.uuid === uuid));
      const row = ticket && belongsTo(ticket, list.folder, list.status, this.me) ? ticket : null;
      if (!present && !row) continue;
      this.queryClient.setQueryData<InfiniteData<TicketPage, unknown>>(query.queryKey, { ...data, pages: placeRow(data.pages, uuid, row) });
    }
  }

  private countsChanged(version: string, counts: Schemas['FolderCounts']): void {
    let next: bigint;
    try {
      next = BigInt(version);
    } catch {
      return;
    }
    if (this.countsVersion !== null && next <= this.countsVersion) return;
    this.countsVersion = next;
    this.queryClient.setQueryData(queryKeys.folders, counts);
  }

  /** The conversation a message goes to: its ticket's, or (none) the open one's while that ticket is open. */
  private conversationOf(msg: { ticket_uuid: string | null }, openTicket: string | null): string | null {
    if (msg.ticket_uuid) return msg.ticket_uuid;
    if (!openTicket) return null;
    const detail = this.queryClient.getQueryData<TicketDetail>(queryKeys.detail(openTicket));
    return detail?.ticket.status === 'open' ? openTicket : null;
  }

  private msgCreated(msg: ConversationMsg, openTicket: string | null): void {
    const ticket = this.conversationOf(msg, openTicket);
    if (!ticket) return;
    const live = this.messages.get(ticket) ?? new Map();
    const known = live.get(msg.uuid);
    if (known && known.modified_on > msg.modified_on) return;
    live.set(msg.uuid, msg);
    this.messages.set(ticket, live);
    this.queryClient.setQueryData<InfiniteData<ConversationPage, unknown>>(queryKeys.conversation(ticket), (data) => data && mergeMessages(data, [msg]));
  }

  private msgStatusChanged(status: MsgStatus): void {
    for (const live of this.messages.values()) {
      const known = live.get(status.uuid);
      if (known && known.modified_on <= status.modified_on) live.set(status.uuid, { ...known, status: status.status, failed_reason: status.failed_reason, modified_on: status.modified_on });
    }
    for (const query of this.queryClient.getQueryCache().findAll({ queryKey: ['conversation'] })) {
      const data = query.state.data as InfiniteData<ConversationPage, unknown> | undefined;
      if (!data) continue;
      const next = updateStatus(data, status);
      if (next !== data) this.queryClient.setQueryData(query.queryKey, next);
    }
  }

  /** A list page from REST, with rows an event already moved on from replaced (or dropped if they left the folder). */
  reconcileList(page: TicketPage, folder: FolderKey, status: 'open' | 'closed'): TicketPage {
    let changed = false;
    const results: TicketRow[] = [];
    for (const row of page.results) {
      const seen = this.tickets.get(row.uuid);
      const stale = seen && (row.version !== undefined ? seen.version > row.version : seen.ticket !== null && isNewer(seen.ticket, row));
      if (!stale) {
        results.push(row);
        continue;
      }
      changed = true;
      if (seen.ticket && belongsTo(seen.ticket, folder, status, this.me)) results.push(seen.ticket);
    }
    if (!changed) return page;
    return { ...page, results: results.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0)) };
  }

  /** A ticket's detail from REST, with the ticket an event already moved on from replaced. */
  reconcileDetail<T extends TicketDetail>(detail: T): T {
    const seen = this.tickets.get(detail.ticket.uuid)?.ticket;
    return seen && isNewer(seen, detail.ticket) ? { ...detail, ticket: seen } : detail;
  }

  /** A conversation page from REST, with messages received live that it lacks (the first page) or has older. */
  reconcileConversation(ticket: string, page: ConversationPage, first: boolean): ConversationPage {
    const live = this.messages.get(ticket);
    if (!live?.size) return page;
    const merged = mergeMessages({ pages: [page], pageParams: [null] }, [...live.values()], first);
    return merged.pages[0]!;
  }
}

/**
 * Messages into conversation pages (newest first): one entry per uuid — the agent's own reply
 * comes back from the POST's refetch and as an event — keeping the later copy; a message not
 * there yet goes on top of the first page (when `addMissing`).
 */
export function mergeMessages(data: InfiniteData<ConversationPage, unknown>, msgs: readonly ConversationMsg[], addMissing = true): InfiniteData<ConversationPage, unknown> {
  let pages = data.pages;
  for (const msg of msgs) {
    let found = false;
    pages = pages.map((page) => {
      const index = page.results.findIndex((item) => item.kind === 'msg' && item.uuid === msg.uuid);
      if (index < 0) return page;
      found = true;
      const existing = page.results[index]! as ConversationMsg;
      if (existing.modified_on > msg.modified_on) return page;
      const results = [...page.results];
      results[index] = { kind: 'msg', ...msg } as ConversationItem;
      return { ...page, results };
    });
    if (!found && addMissing && pages[0]) pages = [{ ...pages[0], results: [{ kind: 'msg', ...msg } as ConversationItem, ...pages[0].results] }, ...pages.slice(1)];
  }
  return pages === data.pages ? data : { ...data, pages };
}

function updateStatus(data: InfiniteData<ConversationPage, unknown>, status: MsgStatus): InfiniteData<ConversationPage, unknown> {
  let changed = false;
  const pages = data.pages.map((page) => {
    const index = page.results.findIndex((item) => item.kind === 'msg' && item.uuid === status.uuid);
    const existing = page.results[index] as (ConversationMsg & { kind: 'msg' }) | undefined;
    if (!existing || existing.modified_on > status.modified_on) return page;
    changed = true;
    const results = [...page.results];
    results[index] = { ...existing, status: status.status, failed_reason: status.failed_reason, modified_on: status.modified_on } as ConversationItem;
    return { ...page, results };
  });
  return changed ? { ...data, pages } : data;
}
