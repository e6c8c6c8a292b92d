// set_run_local: sets, increments or clears a run-local variable (@locals).
import { FieldChecker, truncate, type ActionType } from './action';

export interface SetRunLocalAction {
  uuid: string;
  type: 'set_run_local';
  local: string;
  value: string;
  operation: 'set' | 'increment' | 'clear';
}

const MAX_LOCAL_VALUE = 640;
const INTEGER = /^[-+]?\d+$/;

export const setRunLocal: ActionType<SetRunLocalAction> = {
  type: 'set_run_local',
  read(json) {
    new FieldChecker(json).required('local').required('operation').check();
    return {
      uuid: json.uuid as string,
      type: 'set_run_local',
      local: json.local as string,
      value: (json.value as string | undefined) ?? '',
      operation: json.operation as SetRunLocalAction['operation'],
    };
  },
  execute(action, ctx) {
    const locals = ctx.run.locals;
    if (action.operation === 'clear') {
      delete locals[action.local];
      return;
    }
    const value = ctx.evaluateStrict(action.value);
    if (value === undefined) return;
    if (action.operation === 'increment') {
      if (!INTEGER.test(value.trim())) {
        ctx.error('Increment value is not an integer');
        return;
      }
      const current = INTEGER.test((locals[action.local] ?? '').trim()) ? BigInt(locals[action.local]!.trim()) : 0n;
      locals[action.local] = String(current + BigInt(value.trim()));
      return;
    }
    locals[action.local] = truncate(value, MAX_LOCAL_VALUE);
  },
};
