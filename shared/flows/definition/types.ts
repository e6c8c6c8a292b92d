// The JSON shape of a flow definition in the current spec version. Older
// definitions are migrated to this shape first (definition/migrations).

export const CURRENT_SPEC_VERSION = '14.4.2';

export interface Reference {
  uuid: string;
  name: string;
}

export interface ActionJSON {
  uuid: string;
  type: string;
  [key: string]: unknown;
}

export interface CaseJSON {
  uuid: string;
  type: string;
  arguments?: string[];
  category_uuid: string;
}

export interface CategoryJSON {
  uuid: string;
  name: string;
  exit_uuid: string;
}

export interface WaitJSON {
  type: 'msg';
  timeout?: { seconds: number; category_uuid: string };
  hint?: Record<string, unknown>;
}

export interface RouterJSON {
  type: 'switch' | 'random';
  wait?: WaitJSON;
  result_name?: string;
  categories: CategoryJSON[];
  operand?: string;
  cases?: CaseJSON[];
  default_category_uuid?: string;
}

export interface ExitJSON {
  uuid: string;
  destination_uuid?: string | null;
}

export interface NodeJSON {
  uuid: string;
  actions?: ActionJSON[];
  router?: RouterJSON;
  exits: ExitJSON[];
}

/** Per language, per item uuid, per property: the translated texts. */
export type LocalizationJSON = Record<string, Record<string, Record<string, string[]>>>;

export interface FlowJSON {
  uuid: string;
  name: string;
  spec_version: string;
  language: string;
  type: string;
  revision?: number;
  expire_after_minutes?: number;
  localization?: LocalizationJSON;
  nodes: NodeJSON[];
  _ui?: unknown;
  [key: string]: unknown;
}
