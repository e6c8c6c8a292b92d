// Keeps the folder counts from the ticket changes the table stream reports
// (delivered through the pipe and the FIFO queue, see docs/architecture.md;
// the ticket events consumer, functions/handlers/ticket-events-consumer.ts, works
// through each queue batch and applies its changes one by one).
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

export function createTicketCounts({ counts }: { counts: CountsStore }) {
  async function applyChange(change: TicketChange): Promise<ChangeOutcome> {
    const deltas = countDeltas(change.before, change.after);
    if (deltas.size === 0) return 'unchanged';
    return counts.applyDeltas({ workspace: change.workspace, eventId: change.eventId, deltas });
  }

  return { applyChange };
}

export type TicketCounts = ReturnType<typeof createTicketCounts>;
