// Schemas of the closed-ticket trigger routes (HttpTriggers, docs/triggers.md).
import * as z from 'zod';
import { timestamp } from './schemas';

export const groupRef = z.object({ uuid: z.uuid(), name: z.string().max(64) }).meta({ id: 'GroupRef' });

export const triggerParams = z.object({ trigger: z.uuid() });

const triggerType = z.enum(['closed_ticket', 'keyword', 'catch_all']).meta({
  description: '`closed_ticket` (RapidPro "T"): a ticket of the contact closed; `keyword` ("K"): an inbound message\'s first (or only) word is one of `keywords`; `catch_all` ("C"): an inbound message that resumed nothing and matched no keyword',
});
const keyword = z.string().max(16).regex(/^[\p{L}\p{N}_]{1,16}$/u, 'A keyword is one word of letters, digits or _, at most 16 characters.');
const matchType = z.enum(['F', 'O']).meta({ description: '`F`: the first word of the message; `O`: the message is only the keyword' });

export const triggerInputSchema = z
  .object({
    type: triggerType.optional().meta({ description: 'Default `closed_ticket`; a change (PUT) without it keeps the trigger\'s type' }),
    keywords: z.array(keyword).min(1).max(10).optional().meta({ description: 'keyword triggers: matched case-insensitively' }),
    match_type: matchType.optional().meta({ description: 'keyword triggers; default `F`' }),
    flow: z.object({ uuid: z.uuid() }),
    groups: z.array(groupRef).max(25).optional(),
    exclude_groups: z.array(groupRef).max(25).optional(),
  })
  .meta({
    id: 'ClosedTicketTriggerInput',
    description:
      'Start `flow` when a ticket is closed, or on an inbound message (keyword, catch-all) — only for contacts in one of `groups` (none: everyone), never for contacts in `exclude_groups`. The flow must be imported, messaging or background. Two triggers of a type may not share the same groups (keyword triggers: the same keyword and groups).',
  });

export const triggerSchema = z
  .object({
    uuid: z.uuid(),
    type: triggerType,
    keywords: z.array(z.string()).optional(),
    match_type: matchType.optional(),
    flow: z.object({ uuid: z.uuid(), name: z.string() }),
    groups: z.array(groupRef),
    exclude_groups: z.array(groupRef),
    created_on: timestamp,
    modified_on: timestamp,
  })
  .meta({ id: 'ClosedTicketTrigger' });

export const triggerListSchema = z.object({ results: z.array(triggerSchema) }).meta({ id: 'ClosedTicketTriggerList' });

export const groupListSchema = z.object({ results: z.array(groupRef) }).meta({ id: 'GroupList' });
