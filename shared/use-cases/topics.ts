import { NotFoundError } from '#domain/errors';
import { countKey } from '#domain/folder-counts';
import { newTopic, renameTopic, type Topic } from '#domain/topic';
import type { Actor, UseCaseContext } from './context';
import { retryOnStaleWrite } from './retry';
import type { TopicView } from './views';

export function createTopicUseCases(context: UseCaseContext) {
  const { repos } = context;

  function topicView(topic: Topic, counts: Map<string, number>): TopicView {
    const count = (key: string) => Math.max(0, counts.get(key) ?? 0);
    return {
      uuid: topic.uuid,
      name: topic.name,
      system: topic.system,
      counts: { open: count(countKey.topic(topic.uuid, 'open')), closed: count(countKey.topic(topic.uuid, 'closed')) },
      created_on: topic.created_on,
    };
  }

  return {
    async listTopics({ actor, uuid }: { actor: Actor; uuid?: string }): Promise<TopicView[]> {
      const [directory, counts] = await Promise.all([context.directory(actor.workspace), repos.counts.readCounts(actor.workspace)]);
      return directory.topics.filter((topic) => uuid === undefined || topic.uuid === uuid).map((topic) => topicView(topic, counts));
    },

    async createTopic({ actor, name }: { actor: Actor; name: string }): Promise<TopicView> {
      const directory = await context.directory(actor.workspace, { consistent: true });
      const topic = newTopic(actor.workspace, name, directory.topics, context.now());
      await repos.topics.create(topic);
      return topicView(topic, new Map());
    },

    async renameTopic({ actor, topic, name }: { actor: Actor; topic: string; name: string }): Promise<TopicView> {
      const renamed = await retryOnStaleWrite(async () => {
        const directory = await context.directory(actor.workspace, { consistent: true });
        const current = directory.topics.find((candidate) => candidate.uuid === topic);
        if (!current) throw new NotFoundError('topic_not_found', 'No such topic.');
        const result = renameTopic(current, name, directory.topics);
        if (result.changed) await repos.topics.rename(result.topic, current.name);
        return result.topic;
      });
      return topicView(renamed, await repos.counts.readCounts(actor.workspace));
    },
  };
}
