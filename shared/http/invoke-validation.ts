// Invoke entry points (TicketCommand, FlowEngine) answer bad input as data
// rather than a 400, so they describe every schema issue in one message.
import type { z } from 'zod';

/** `contact.uuid: Invalid UUID; note: …` — each issue with its dotted path. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : 'request'}: ${issue.message}`).join('; ');
}
