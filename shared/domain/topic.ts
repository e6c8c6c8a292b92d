import { ConflictError, ForbiddenError, ValidationError } from './errors';
import { newId } from './ids';

export interface Topic {
  workspace: string;
  uuid: string;
  name: string;
  /** The workspace's default topic "General": every ticket has a topic, and this one cannot be renamed. */
  system: boolean;
  created_on: string;
}

export const SYSTEM_TOPIC_NAME = 'General';
export const MAX_TOPIC_NAME_LENGTH = 64;
/** Topics per workspace, the system topic included. */
export const MAX_TOPICS_PER_WORKSPACE = 50;

/** Topic names are unique per workspace regardless of case. */
export function topicNameKey(name: string): string {
  return name.trim().toLowerCase();
}

export function validateTopicName(name: string, field = 'name'): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new ValidationError(field, 'The topic needs a name.');
  if (trimmed.length > MAX_TOPIC_NAME_LENGTH)
    throw new ValidationError(field, `The topic name is longer than ${MAX_TOPIC_NAME_LENGTH} characters.`);
  return trimmed;
}

export function newSystemTopic(workspace: string, now: string): Topic {
  return { workspace, uuid: newId(), name: SYSTEM_TOPIC_NAME, system: true, created_on: now };
}

/** A new user topic; `existing` are the workspace's topics, to enforce the name and count rules. */
export function newTopic(workspace: string, name: string, existing: readonly Topic[], now: string, field = 'name'): Topic {
  const valid = validateTopicName(name, field);
  if (findTopicByName(existing, valid)) throw topicNameTaken(valid);
  if (existing.length >= MAX_TOPICS_PER_WORKSPACE) throw topicLimitReached();
  return { workspace, uuid: newId(), name: valid, system: false, created_on: now };
}

export function renameTopic(topic: Topic, name: string, existing: readonly Topic[]): { topic: Topic; changed: boolean } {
  if (topic.system) throw new ForbiddenError('system_topic', `The system topic "${topic.name}" cannot be changed.`);
  const valid = validateTopicName(name);
  if (valid === topic.name) return { topic, changed: false };
  const holder = findTopicByName(existing, valid);
  if (holder && holder.uuid !== topic.uuid) throw topicNameTaken(valid);
  return { topic: { ...topic, name: valid }, changed: true };
}

export function findTopicByName(topics: readonly Topic[], name: string): Topic | undefined {
  const key = topicNameKey(name);
  return topics.find((topic) => topicNameKey(topic.name) === key);
}

export function topicNameTaken(name: string): ConflictError {
  return new ConflictError('topic_name_taken', `A topic named "${name}" already exists.`);
}

export function topicLimitReached(): ConflictError {
  return new ConflictError('topic_limit_reached', `A workspace can have at most ${MAX_TOPICS_PER_WORKSPACE} topics.`);
}

/** Display order, as RapidPro lists them: the system topic first, then by name. */
export function compareTopics(a: Topic, b: Topic): number {
  return Number(b.system) - Number(a.system) || a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || a.uuid.localeCompare(b.uuid);
}
