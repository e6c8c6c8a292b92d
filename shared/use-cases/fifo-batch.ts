// How the queue consumers work through a batch from a FIFO queue with
// partial batch failures: messages of one group (one ticket) in queue order,
// groups side by side. Once a message of a group fails, the group's later
// messages are not attempted but reported failed too, so that the queue
// redelivers them in order; other groups are not held back.

export interface QueuedMessage {
  id: string;
  /** The FIFO message group (a ticket). */
  group: string;
}

export interface BatchFailure {
  id: string;
  error: unknown;
}

/** Runs `handle` per message as described above; the failures come back in batch order. */
export async function processInGroupOrder<M extends QueuedMessage>(
  messages: readonly M[],
  handle: (message: M) => Promise<void>,
): Promise<{ failures: BatchFailure[] }> {
  const groups = new Map<string, M[]>();
  for (const message of messages) groups.set(message.group, [...(groups.get(message.group) ?? []), message]);

  const failures: BatchFailure[] = [];
  await Promise.all(
    [...groups.values()].map(async (group) => {
      for (const [index, message] of group.entries()) {
        try {
          await handle(message);
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
