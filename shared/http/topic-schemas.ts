// Schemas of the topic routes (HttpTopics).
import * as z from 'zod';
import { timestamp, topicName } from './schemas';

export const topicSchema = z
  .object({
    uuid: z.uuid(),
    name: z.string(),
    system: z.boolean(),
    counts: z.object({ open: z.number().int(), closed: z.number().int() }),
    created_on: timestamp,
  })
  .meta({ id: 'Topic' });

export const topicListSchema = z.object({ results: z.array(topicSchema) }).meta({ id: 'TopicList' });

export const topicNameRequestSchema = z.object({ name: topicName }).meta({ id: 'TopicNameRequest' });

export const topicParams = z.object({ topic: z.uuid() });
