// A topic (`WS#w` / `TOPIC#p`, in the workspace's partition), the guard item
// making topic names unique per workspace regardless of case, and the counter
// enforcing the topic limit inside the creating transaction.
import type { Topic } from '#domain/topic';
import { str, type StoredItem } from '../attributes';
import { ITEM_TYPE, workspacePk, type TableKey } from '../keys';
import type { Item } from '../table-client';

export const topicKeys = {
  topic: (workspace: string, topic: string): TableKey => ({ pk: workspacePk(workspace), sk: `TOPIC#${topic}` }),
  /** Guard item making topic names unique per workspace, case-insensitively (`nameKey` is already lowercased). */
  name: (workspace: string, nameKey: string): TableKey => ({ pk: workspacePk(workspace), sk: `TOPICNAME#${nameKey}` }),
  /** Counter item enforcing the topic limit inside the creating transaction. */
  counter: (workspace: string): TableKey => ({ pk: workspacePk(workspace), sk: 'TOPICS' }),
};

export type TopicItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.topic } & Topic>;
export type TopicNameItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.topicName; topic_uuid: string }>;
/** Put with 1 by the workspace's first topic, then changed by `ADD topic_count` updates. */
export type TopicCounterItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.topicCounter; topic_count: number }>;

export function toTopicItem(topic: Topic): TopicItem {
  return { ...topicKeys.topic(topic.workspace, topic.uuid), type: ITEM_TYPE.topic, ...topic };
}

export function fromTopicItem(item: Item): Topic {
  return { workspace: str(item, 'workspace'), uuid: str(item, 'uuid'), name: str(item, 'name'), system: item.system === true, created_on: str(item, 'created_on') };
}

/** `nameKey`: the topic's name as the domain compares names (topicNameKey). */
export function toTopicNameItem(topic: Pick<Topic, 'workspace' | 'uuid'>, nameKey: string): TopicNameItem {
  return { ...topicKeys.name(topic.workspace, nameKey), type: ITEM_TYPE.topicName, topic_uuid: topic.uuid };
}

export function toTopicCounterItem(workspace: string, topicCount: number): TopicCounterItem {
  return { ...topicKeys.counter(workspace), type: ITEM_TYPE.topicCounter, topic_count: topicCount };
}
