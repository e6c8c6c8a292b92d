// Routes of the HttpTriggers function: the workspace's closed-ticket triggers
// (docs/triggers.md). Editors and administrators manage them, as flows.
import { defineRoute } from '../route-spec';
import { errorSchema } from '../schemas';
import { groupListSchema, triggerInputSchema, triggerListSchema, triggerParams, triggerSchema } from '../trigger-schemas';

const tags = ['triggers'];
const badRequest = { description: 'Invalid request; `error.field` names the field (an unknown flow is `flow.uuid`)', schema: errorSchema };
const notFound = { description: 'No such trigger', schema: errorSchema };
const twin = { description: '`trigger_exists`: another trigger has the same groups', schema: errorSchema };

export const triggerRoutes = {
  listGroups: defineRoute({
    method: 'get',
    path: '/groups',
    permission: 'tickets.read',
    summary: 'The workspace\'s contact groups, by name',
    description: 'The groups of the imported flow exports (merged by uuid): what closed-ticket triggers and the contact details name.',
    tags,
    responses: { 200: { description: 'Groups', schema: groupListSchema } },
  }),
  listTriggers: defineRoute({
    method: 'get',
    path: '/triggers',
    permission: 'flows.manage',
    summary: 'The workspace\'s closed-ticket triggers, oldest first',
    tags,
    responses: { 200: { description: 'Triggers', schema: triggerListSchema } },
  }),
  createTrigger: defineRoute({
    method: 'post',
    path: '/triggers',
    permission: 'flows.manage',
    summary: 'When a ticket is closed, start a flow for its contact',
    description: 'Of the triggers that apply to a contact, the most specific starts: include groups before exclude groups before none; equally specific ones go to the oldest.',
    tags,
    body: triggerInputSchema,
    responses: { 201: { description: 'The trigger', schema: triggerSchema }, 400: badRequest, 409: twin },
  }),
  updateTrigger: defineRoute({
    method: 'put',
    path: '/triggers/{trigger}',
    permission: 'flows.manage',
    summary: 'Change a trigger\'s flow or groups',
    tags,
    params: triggerParams,
    body: triggerInputSchema,
    responses: { 200: { description: 'The trigger', schema: triggerSchema }, 400: badRequest, 404: notFound, 409: twin },
  }),
  deleteTrigger: defineRoute({
    method: 'delete',
    path: '/triggers/{trigger}',
    permission: 'flows.manage',
    summary: 'Delete a trigger (closes handled from now on no longer start its flow)',
    tags,
    params: triggerParams,
    responses: { 204: { description: 'Deleted' }, 404: notFound },
  }),
};
