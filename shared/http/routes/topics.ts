// Routes of the HttpTopics function.
import { errorSchema } from '../schemas';
import { topicListSchema, topicNameRequestSchema, topicParams, topicSchema } from '../topic-schemas';
import { defineRoute } from '../route-spec';

const tags = ['topics'];

export const topicRoutes = {
  listTopics: defineRoute({
    method: 'get',
    path: '/topics',
    permission: 'tickets.read',
    summary: 'All topics of the workspace with their open and closed counts',
    tags,
    responses: { 200: { description: 'Topics', schema: topicListSchema } },
  }),
  createTopic: defineRoute({
    method: 'post',
    path: '/topics',
    permission: 'topics.manage',
    summary: 'Create a topic (not allowed to agents)',
    tags,
    body: topicNameRequestSchema,
    responses: {
      201: { description: 'Created', schema: topicSchema },
      400: { description: 'Invalid name', schema: errorSchema },
      403: { description: 'The caller\'s role may not manage topics', schema: errorSchema },
      409: { description: '`topic_name_taken` (case-insensitive) or `topic_limit_reached` (50)', schema: errorSchema },
    },
  }),
  renameTopic: defineRoute({
    method: 'patch',
    path: '/topics/{topic}',
    permission: 'topics.manage',
    summary: 'Rename a topic (not the system topic, not allowed to agents)',
    tags,
    params: topicParams,
    body: topicNameRequestSchema,
    responses: {
      200: { description: 'Renamed', schema: topicSchema },
      400: { description: 'Invalid name', schema: errorSchema },
      403: { description: '`system_topic`, or the caller\'s role may not manage topics', schema: errorSchema },
      404: { description: 'No such topic', schema: errorSchema },
      409: { description: '`topic_name_taken`', schema: errorSchema },
    },
  }),
};
