// Reading a RapidPro export (or a single definition) for import: every flow
// migrated and validated before anything is stored, its fields and groups
// picked out, and what a stored definition refers to (the flows it enters,
// the topics it opens tickets in). Pure: the import use case (flows.ts)
// stores what this reads.
import { CONTACT_FIELD_KEY_PATTERN, isReservedFieldKey } from '#domain/contact';
import { ValidationError } from '#domain/errors';
import type { FieldAsset, GroupAsset } from '#flows/assets';
import { FlowReadError, readFlow, type Flow } from '#flows/definition/flow';
import type { FlowJSON, Reference } from '#flows/definition/types';

/** A definition larger than this cannot be stored in one item (DynamoDB's limit is 400 KB). */
export const MAX_DEFINITION_BYTES = 350_000;
export const MAX_FLOWS_PER_IMPORT = 50;
/** An import is stored in one transaction (DynamoDB: at most 4 MB); this leaves room for the assets item and the attributes. */
export const MAX_IMPORT_BYTES = 3_500_000;

export interface ImportBundle {
  flows: { flow: Flow; importedSpecVersion: string }[];
  fields: FieldAsset[];
  groups: GroupAsset[];
}

/**
 * A RapidPro export (`{version, flows, fields, groups, …}`) or a single
 * definition. Every flow is read (migrated and validated) before anything is
 * stored; all problems are reported at once, each with its flow.
 */
export function readImport(input: unknown): ImportBundle {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new ValidationError('definitions', 'Expected a flow export ({"flows": [...]}) or a single flow definition (an object).', 'invalid_definition');
  const json = input as Record<string, unknown>;
  const isExport = Array.isArray(json.flows);
  const rawFlows = isExport ? (json.flows as unknown[]) : [json];
  if (rawFlows.length === 0) throw new ValidationError('definitions.flows', 'The export has no flows.', 'invalid_definition');
  if (rawFlows.length > MAX_FLOWS_PER_IMPORT)
    throw new ValidationError('definitions.flows', `At most ${MAX_FLOWS_PER_IMPORT} flows can be imported at once.`, 'invalid_definition');

  const problems: string[] = [];
  const read: ImportBundle['flows'] = [];
  rawFlows.forEach((raw, index) => {
    const where = isExport ? `flows[${index}]` : 'flow';
    const label = describeFlow(raw, where);
    try {
      const flow = readFlow(raw);
      if (Buffer.byteLength(JSON.stringify(flow.json)) > MAX_DEFINITION_BYTES) problems.push(`${label}: the definition is larger than ${MAX_DEFINITION_BYTES} bytes`);
      else read.push({ flow, importedSpecVersion: String((raw as Record<string, unknown>).spec_version) });
    } catch (error) {
      if (!(error instanceof FlowReadError)) throw error;
      problems.push(...error.problems.map((problem) => `${label}: ${problem}`));
    }
  });
  const uuids = read.map(({ flow }) => flow.uuid);
  for (const duplicate of new Set(uuids.filter((uuid, index) => uuids.indexOf(uuid) !== index))) problems.push(`flow ${duplicate} appears more than once`);
  if (problems.length)
    throw new ValidationError(isExport ? 'definitions.flows' : 'definitions', `Invalid flow definition: ${problems.join('; ')}`, 'invalid_definition');
  const importBytes = read.reduce((total, { flow }) => total + Buffer.byteLength(JSON.stringify(flow.json)), 0);
  if (importBytes > MAX_IMPORT_BYTES)
    throw new ValidationError(
      'definitions',
      `The flows add up to ${importBytes} bytes, more than the ${MAX_IMPORT_BYTES} one import can store: import in parts (a few flows at a time; a flow's dependencies may come in a later part).`,
      'invalid_definition',
    );

  const fields = isExport ? readAssetList<FieldAsset>(json.fields, (field) => typeof field.key === 'string' && typeof field.name === 'string') : [];
  // Flows write contact fields by these keys, into the contact's fields object: the
  // rule of contact field keys holds here too (no `__proto__`, no `constructor`).
  const badKeys = fields.filter((field) => !CONTACT_FIELD_KEY_PATTERN.test(field.key) || isReservedFieldKey(field.key));
  if (badKeys.length)
    throw new ValidationError(
      'definitions.fields',
      `Invalid field key: ${badKeys.map((field) => JSON.stringify(field.key)).join(', ')} (lowercase letters, digits and _, starting with a letter; not a reserved name).`,
      'invalid_definition',
    );

  return {
    flows: read,
    fields: fields.map((field) => ({ ...field, type: fieldType(field) })),
    groups: isExport ? readAssetList<GroupAsset>(json.groups, (group) => typeof group.uuid === 'string' && typeof group.name === 'string') : [],
  };
}

function describeFlow(raw: unknown, where: string): string {
  const json = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  return typeof json.name === 'string' ? `${where} "${json.name}"` : where;
}

/** RapidPro exports name a field's type `value_type` (text, numeric, datetime, state, …); the engine's assets say `type`. */
function fieldType(field: FieldAsset & { value_type?: string }): string {
  const type = field.type ?? field.value_type ?? 'text';
  return type === 'numeric' ? 'number' : type;
}

function readAssetList<T>(value: unknown, valid: (item: T) => boolean): T[] {
  return Array.isArray(value) ? (value.filter((item) => typeof item === 'object' && item !== null && valid(item as T)) as T[]) : [];
}

export function mergeBy<T>(existing: T[], incoming: T[], key: (item: T) => string): T[] {
  const merged = new Map(existing.map((item) => [key(item), item]));
  for (const item of incoming) merged.set(key(item), item);
  return [...merged.values()];
}

function actionsOf(definition: FlowJSON): Record<string, unknown>[] {
  return (definition.nodes ?? []).flatMap((node) => ((node as { actions?: Record<string, unknown>[] }).actions ?? []));
}

export function flowsEnteredBy(definition: FlowJSON): string[] {
  const entered = actionsOf(definition)
    .filter((action) => action.type === 'enter_flow')
    .map((action) => (action.flow as { uuid?: string } | undefined)?.uuid)
    .filter((uuid): uuid is string => typeof uuid === 'string');
  return [...new Set(entered)];
}

export function topicsReferencedBy(definition: FlowJSON): Reference[] {
  return actionsOf(definition)
    .filter((action) => action.type === 'open_ticket' && action.topic)
    .map((action) => action.topic as Reference);
}
