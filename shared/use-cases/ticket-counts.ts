// Keeps the folder counts from the ticket changes the table stream reports
// (delivered through the pipe and the FIFO queue, see docs/architecture.md).
import { countDeltas, type TicketCountImage } from '#domain/folder-counts';

/** One stored change of a ticket, as a stream record reports it. */
export interface TicketChange {
  /** The stream record's eventID: the same change always has the same id. */
  eventId: string;
  workspace: string;
  /** null: the ticket was created. */
  before: TicketCountImage | null;
  /** null: the ticket was deleted. */
  after: TicketCountImage | null;
}

export interface CountsStore {
  applyDeltas(input: { workspace: string; eventId: string; deltas: ReadonlyMap<string, number> }): Promise<'applied' | 'already_applied'>;
}

/** `unchanged`: the change moved the ticket between no folders (a note, say), nothing to write. */
export type ChangeOutcome = 'applied' | 'already_applied' | 'unchanged';

/** One queued message: its id, its ordering group (the ticket), and its change — null when it is not about a ticket. */
export interface ChangeMessage {
  id: string;
  group: string;
  /** Decodes the message; throws when it is malformed. */
  readChange(): TicketChange | null;
}

export interface BatchFailure {
  id: string;
  error: unknown;
}

export function createTicketCounts({ counts }: { counts: CountsStore }) {
  async function applyChange(change: TicketChange): Promise<ChangeOutcome> {
    const deltas = countDeltas(change.before, change.after);
    if (deltas.size === 0) return 'unchanged';
    return counts.applyDeltas({ workspace: change.workspace, eventId: change.eventId, deltas });
  }

  /**
   * Applies a batch of queued changes and returns the messages to retry.
   * A ticket's changes are applied in queue order; once one fails, its later
   * ones are not attempted but returned as failed too, so that the queue
   * redelivers them in order (FIFO). Other tickets are not held back.
   */
  async function applyBatch(messages: readonly ChangeMessage[]): Promise<{ failures: BatchFailure[] }> {
    const groups = new Map<string, ChangeMessage[]>();
    for (const message of messages) groups.set(message.group, [...(groups.get(message.group) ?? []), message]);

    const failures: BatchFailure[] = [];
    await Promise.all(
      [...groups.values()].map(async (group) => {
        for (const [index, message] of group.entries()) {
          try {
            const change = message.readChange();
            if (change) await applyChange(change);
          } catch (error) {
            failures.push({ id: message.id, error });
            for (const later of group.slice(index + 1)) failures.push({ id: later.id, error: new Error(`held back behind ${message.id}`) });
            return;
          }
        }
      }),
    );
    const order = new Map(messages.map((message, index) => [message.id, index]));
    failures.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    return { failures };
  }

  return { applyChange, applyBatch };
}

export type TicketCounts = ReturnType<typeof createTicketCounts>;
