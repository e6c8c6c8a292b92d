import { type Topic, MAX_TOPICS_PER_WORKSPACE, topicLimitReached, topicNameKey, topicNameTaken } from '#domain/topic';
import { StaleWriteError, type TopicRepository } from '#use-cases/ports';
import { topicKeys, toTopicCounterItem, toTopicItem, toTopicNameItem } from './entities/topic';
import { TransactionRefused, type LabelledWrite, type TableClient } from './table-client';

const NOT_EXISTS = 'attribute_not_exists(pk)';

const nameGuardItem = (topic: Topic) => toTopicNameItem(topic, topicNameKey(topic.name));

/**
 * The writes that create a topic — the topic, its name guard, and the counter
 * that enforces the per-workspace limit — for any transaction that creates one
 * (creating a workspace, creating a topic, opening a ticket with a new topic name).
 */
export function topicCreationWrites(topic: Topic, options: { firstTopic?: boolean } = {}): LabelledWrite[] {
  const counter: LabelledWrite = options.firstTopic
    ? { label: 'topic_counter', write: { Put: { Item: toTopicCounterItem(topic.workspace, 1), ConditionExpression: NOT_EXISTS } } }
    : {
        label: 'topic_counter',
        write: {
          Update: {
            Key: topicKeys.counter(topic.workspace),
            UpdateExpression: 'ADD topic_count :one',
            ConditionExpression: 'topic_count < :max',
            ExpressionAttributeValues: { ':one': 1, ':max': MAX_TOPICS_PER_WORKSPACE },
          },
        },
      };
  return [
    { label: 'topic', write: { Put: { Item: toTopicItem(topic), ConditionExpression: NOT_EXISTS } } },
    { label: 'topic_name', write: { Put: { Item: nameGuardItem(topic), ConditionExpression: NOT_EXISTS } } },
    counter,
  ];
}

/** The domain error a refused topic creation stands for, if it was the topic that refused. */
export function topicCreationRefusal(refused: TransactionRefused, topic: Topic): Error | null {
  if (refused.failed('topic_name')) return topicNameTaken(topic.name);
  if (refused.failed('topic_counter')) return topicLimitReached();
  return null;
}

export function createTopicRepository(table: TableClient): TopicRepository {
  return {
    async create(topic: Topic) {
      try {
        await table.transactWrite('topic.create', topicCreationWrites(topic));
      } catch (error) {
        if (error instanceof TransactionRefused) throw topicCreationRefusal(error, topic) ?? error;
        throw error;
      }
    },

    async rename(topic: Topic, previousName: string) {
      const renameTopic: LabelledWrite = {
        label: 'topic',
        write: {
          Update: {
            Key: topicKeys.topic(topic.workspace, topic.uuid),
            UpdateExpression: 'SET #name = :name',
            ConditionExpression: '#name = :previous',
            ExpressionAttributeNames: { '#name': 'name' },
            ExpressionAttributeValues: { ':name': topic.name, ':previous': previousName },
          },
        },
      };
      // A change of case keeps the same guard item.
      const guardMoves = topicNameKey(previousName) !== topicNameKey(topic.name);
      const writes: LabelledWrite[] = guardMoves
        ? [
            renameTopic,
            { label: 'previous_name', write: { Delete: { Key: topicKeys.name(topic.workspace, topicNameKey(previousName)) } } },
            { label: 'topic_name', write: { Put: { Item: nameGuardItem(topic), ConditionExpression: NOT_EXISTS } } },
          ]
        : [renameTopic];
      try {
        await table.transactWrite('topic.rename', writes);
      } catch (error) {
        if (!(error instanceof TransactionRefused)) throw error;
        if (error.failed('topic')) throw new StaleWriteError('The topic was renamed meanwhile.');
        if (error.failed('topic_name')) throw topicNameTaken(topic.name);
        throw error;
      }
    },
  };
}
