// Who is typing in which ticket, from `typing` events: each one shows for
// SHOW_TYPING_MS after the last event (senders repeat it every 3 s while
// writing, so a colleague who stops fades out on their own).
import type { LiveUser } from './events';

export const SHOW_TYPING_MS = 5_000;

export class TypingStore {
  /** ticket → user uuid → who and until when. */
  private readonly typing = new Map<string, Map<string, { user: LiveUser; until: number }>>();
  private readonly listeners = new Set<() => void>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private snapshots = new Map<string, readonly LiveUser[]>();

  /** `me`: the signed-in user, never shown typing to themselves (another tab of theirs). */
  constructor(private readonly me: string | null) {}

  show(ticket: string, user: LiveUser): void {
    if (user.uuid === this.me) return;
    const users = this.typing.get(ticket) ?? new Map();
    users.set(user.uuid, { user, until: Date.now() + SHOW_TYPING_MS });
    this.typing.set(ticket, users);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.changed();
    }, SHOW_TYPING_MS);
    this.timers.add(timer);
    this.changed();
  }

  /** The users typing in `ticket` now (a stable array between changes, for useSyncExternalStore). */
  who(ticket: string): readonly LiveUser[] {
    return this.snapshots.get(ticket) ?? NOBODY;
  }

  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.listeners.clear();
  }

  private changed(): void {
    const now = Date.now();
    const snapshots = new Map<string, readonly LiveUser[]>();
    for (const [ticket, users] of this.typing) {
      for (const [uuid, entry] of users) if (entry.until <= now) users.delete(uuid);
      if (users.size === 0) this.typing.delete(ticket);
      else snapshots.set(ticket, [...users.values()].map((entry) => entry.user));
    }
    this.snapshots = snapshots;
    for (const listener of this.listeners) listener();
  }
}

const NOBODY: readonly LiveUser[] = [];
