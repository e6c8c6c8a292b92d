// The item images the queue consumers read from the table's stream records
// (shared/adapters/dynamodb/stream-record.ts reads the records): for each kind
// of item, the attributes a consumer relies on, checked, because a queued
// record is input from outside the process (a redrive from a dead-letter
// queue, a message an operator sends by hand). An image that fails its schema
// makes its message a poison message: reported failed, and parked in the
// queue's DLQ after its maxReceiveCount, without holding back other groups.
// (Each schema moves into its entity's module, entities/<entity>.ts.)
import { z } from 'zod';
import { ITEM_TYPE } from '../keys';

/** The attributes of a ticket item (ticketItem in items.ts) that place it in folders: what the ticket events consumer counts. */
export const ticketCountsImage = z.object({
  type: z.literal(ITEM_TYPE.ticket),
  workspace: z.string().min(1),
  status: z.enum(['open', 'closed']),
  topic_uuid: z.string().min(1),
  assignee_uuid: z.string().min(1).nullish(),
});

/** The attributes of a ticket item a close needs: what the closed-ticket consumer hands its trigger. */
export const closedTicketImage = z.object({
  type: z.literal(ITEM_TYPE.ticket),
  workspace: z.string().min(1),
  uuid: z.string().min(1),
  status: z.enum(['open', 'closed']),
  contact_uuid: z.string().min(1),
  topic_uuid: z.string().min(1),
  assignee_uuid: z.string().min(1).nullish(),
  closed_on: z.string().nullish(),
  modified_on: z.string().nullish(),
  version: z.number().int(),
});

/** Where a message item (messageItem in flow-repository.ts) is stored: what the delivery consumer loads it by. */
export const messageLocationImage = z.object({
  type: z.literal(ITEM_TYPE.message),
  direction: z.enum(['in', 'out']),
  workspace: z.string().min(1),
  contact: z.string().min(1),
  created_on: z.string().min(1),
  uuid: z.string().min(1),
});
