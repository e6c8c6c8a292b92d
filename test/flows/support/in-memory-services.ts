// In-memory implementations of the engine's ports, behaving like goflow's
// test services: a clock that advances one second per read, predictable
// UUIDs, a ticket service that refuses a second open ticket per contact,
// and a mailbox.
import type {
  Clock,
  EmailService,
  EngineServices,
  OpenTicketRequest,
  OpenTicketResult,
  TicketJSON,
  TicketService,
  UUIDSource,
} from '#flows/ports';

export class SteppingClock implements Clock {
  private micros: bigint;

  constructor(start = '2025-05-04T12:30:45.123456Z') {
    const m = /^(.*)\.(\d{6})Z$/.exec(start);
    if (!m) throw new Error(`clock start must look like 2025-05-04T12:30:45.123456Z, got ${start}`);
    this.micros = BigInt(Date.parse(`${m[1]}Z`)) * 1000n + BigInt(m[2]!);
  }

  now(): string {
    const current = this.micros;
    this.micros += 1_000_000n;
    const millis = Number(current / 1000n);
    const fraction = String(current % 1_000_000n).padStart(6, '0');
    return `${new Date(millis).toISOString().slice(0, 19)}.${fraction}Z`;
  }
}

/** UUIDs from a counter: readable in failures, distinct, version-4 shaped. */
export class SequentialUUIDs implements UUIDSource {
  private counter = 0;

  next(): string {
    this.counter += 1;
    const hex = this.counter.toString(16).padStart(12, '0');
    return `00000000-0000-4000-8000-${hex}`;
  }
}

export class InMemoryTickets implements TicketService {
  readonly opened: (OpenTicketRequest & { ticket: TicketJSON })[] = [];
  private readonly openByContact = new Map<string, TicketJSON>();
  private readonly byKey = new Map<string, OpenTicketResult>();

  constructor(private readonly uuids: UUIDSource) {}

  /** Marks a ticket the contact already has open (goflow's `has_ticket`). */
  seedOpen(contactUuid: string, ticket: TicketJSON): void {
    this.openByContact.set(contactUuid, ticket);
  }

  close(contactUuid: string): void {
    this.openByContact.delete(contactUuid);
  }

  async open(request: OpenTicketRequest): Promise<OpenTicketResult> {
    const earlier = this.byKey.get(request.idempotencyKey);
    if (earlier) return earlier;
    let result: OpenTicketResult;
    if (this.openByContact.has(request.contactUuid)) {
      result = { opened: false, reason: 'contact already has an open ticket' };
    } else {
      const ticket: TicketJSON = { uuid: this.uuids.next(), status: 'open', topic: request.topic, assignee: request.assignee };
      this.openByContact.set(request.contactUuid, ticket);
      this.opened.push({ ...request, ticket });
      result = { opened: true, ticket };
    }
    this.byKey.set(request.idempotencyKey, result);
    return result;
  }
}

export class Mailbox implements EmailService {
  readonly sent: { to: string[]; subject: string; body: string }[] = [];
  private failure: string | undefined;

  /** Makes every later send fail with this error, as a broken mail server would. */
  failWith(error: string): void {
    this.failure = error;
  }

  async send(message: { to: string[]; subject: string; body: string }): Promise<void> {
    if (this.failure) throw new Error(this.failure);
    this.sent.push(message);
  }
}

export interface InMemoryServices extends EngineServices {
  tickets: InMemoryTickets;
  email: Mailbox;
}

export function inMemoryServices(): InMemoryServices {
  const uuids = new SequentialUUIDs();
  return {
    clock: new SteppingClock(),
    uuids,
    tickets: new InMemoryTickets(uuids),
    email: new Mailbox(),
    // goflow's test engine treats this word as forbidden content.
    isForbiddenContent: (text) => text.includes('FORBIDDEN'),
  };
}
