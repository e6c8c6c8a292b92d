// Keeps the folder counts from the ticket changes the table stream reports
// (delivered through the pipe and the FIFO queue, see docs/architecture.md).
import { countDeltas, type TicketCountImage } from '#domain/folder-counts';
import { processInGroupOrder, type BatchFailure } from './fifo-batch';

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

export type { BatchFailure } from './fifo-batch';

export function createTicketCounts({ counts }: { counts: CountsStore }) {
  async function applyChange(change: TicketChange): Promise<ChangeOutcome> {
    const deltas = countDeltas(change.before, change.after);
    if (deltas.size === 0) return 'unchanged';
    return counts.applyDeltas({ workspace: change.workspace, eventId: change.eventId, deltas });
  }

  /** Applies a batch of queued changes in ticket order (processInGroupOrder) and returns the messages to retry. */
  async function applyBatch(messages: readonly ChangeMessage[]): Promise<{ failures: BatchFailure[] }> {
    return processInGroupOrder(messages, async (message) => {
      const change = message.readChange();
      if (change) await applyChange(change);
    });
  }

  return { applyChange, applyBatch };
}

export type TicketCounts = ReturnType<typeof createTicketCounts>;
