// set_run_result: saves a named result on the run.
import { FieldChecker, type ActionType } from './action';

export interface SetRunResultAction {
  uuid: string;
  type: 'set_run_result';
  name: string;
  value: string;
  category: string;
}

export const setRunResult: ActionType<SetRunResultAction> = {
  type: 'set_run_result',
  read(json) {
    new FieldChecker(json).required('name').maxLength('name', 64).maxLength('category', 36).check();
    return {
      uuid: json.uuid as string,
      type: 'set_run_result',
      name: json.name as string,
      value: (json.value as string | undefined) ?? '',
      category: (json.category as string | undefined) ?? '',
    };
  },
  execute(action, ctx) {
    const value = ctx.evaluateStrict(action.value);
    if (value === undefined) return;
    ctx.saveResult(action.name, value, action.category, undefined);
  },
};
