// Folder counts: how many tickets each folder (All, Unassigned, a user's Mine,
// a topic — each for open and closed) holds. They are kept by applying, for
// every stored change of a ticket, −1 to the folders of its old state and +1 to
// those of its new one; this module says which counters those are.
import type { TicketStatus } from './ticket';

/** The fields of a ticket (as stored) that decide which folders it is in. */
export interface TicketCountImage {
  status: TicketStatus;
  assignee_uuid: string | null;
  topic_uuid: string;
}

/** A counter's key inside a workspace's counts (the sort key of its count item). */
export const countKey = {
  /** Folder All. */
  status: (status: TicketStatus) => `STATUS#${status}`,
  /** Folder Mine of a user, or Unassigned (`null`). */
  assignee: (assignee: string | null, status: TicketStatus) => `ASSIGNEE#${assignee ?? 'none'}#STATUS#${status}`,
  /** The folder of a topic. */
  topic: (topic: string, status: TicketStatus) => `TOPIC#${topic}#STATUS#${status}`,
};

/** The counters a ticket in this state adds one to. */
export function countKeysOf(image: TicketCountImage): string[] {
  return [
    countKey.status(image.status),
    countKey.assignee(image.assignee_uuid, image.status),
    countKey.topic(image.topic_uuid, image.status),
  ];
}

/**
 * What one change of a ticket does to the counters: `before` null = the
 * ticket is new, `after` null = it is gone. Counters that stay the same
 * (a note, an unchanged folder) are left out, so most changes yield nothing.
 */
export function countDeltas(before: TicketCountImage | null, after: TicketCountImage | null): Map<string, number> {
  const deltas = new Map<string, number>();
  const add = (key: string, delta: number) => deltas.set(key, (deltas.get(key) ?? 0) + delta);
  if (before) for (const key of countKeysOf(before)) add(key, -1);
  if (after) for (const key of countKeysOf(after)) add(key, +1);
  for (const [key, delta] of deltas) if (delta === 0) deltas.delete(key);
  return deltas;
}
