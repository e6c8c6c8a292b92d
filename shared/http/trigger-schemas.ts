// Schemas of the closed-ticket trigger routes (HttpTriggers, docs/triggers.md).
import { z } from 'zod';
import { timestamp } from './schemas';

const groupRef = z.object({ uuid: z.uuid(), name: z.string().max(64) }).meta({ id: 'GroupRef' });

export const triggerParams = z.object({ trigger: z.uuid() });

export const triggerInputSchema = z
  .object({
    flow: z.object({ uuid: z.uuid() }),
    groups: z.array(groupRef).max(25).optional(),
    exclude_groups: z.array(groupRef).max(25).optional(),
  })
  .meta({
    id: 'ClosedTicketTriggerInput',
    description:
      'Start `flow` when a ticket is closed — only for contacts in one of `groups` (none: everyone), never for contacts in `exclude_groups`. The flow must be imported, messaging or background. Two triggers may not share the same groups.',
  });

export const triggerSchema = z
  .object({
    uuid: z.uuid(),
    flow: z.object({ uuid: z.uuid(), name: z.string() }),
    groups: z.array(groupRef),
    exclude_groups: z.array(groupRef),
    created_on: timestamp,
    modified_on: timestamp,
  })
  .meta({ id: 'ClosedTicketTrigger' });

export const triggerListSchema = z.object({ results: z.array(triggerSchema) }).meta({ id: 'ClosedTicketTriggerList' });
