// enter_flow: starts another flow as a child run. The parent continues at
// this node's router (on @child.status) once the child ends.
import type { Reference } from '../definition/types';
import { FieldChecker, type ActionType } from './action';

/** Voice and messaging flows do not mix; background flows run under either. */
function canEnter(parentType: string, childType: string): boolean {
  return childType === parentType || childType === 'messaging_background';
}

export interface EnterFlowAction {
  uuid: string;
  type: 'enter_flow';
  flow: Reference;
  terminal: boolean;
}

export const enterFlow: ActionType<EnterFlowAction> = {
  type: 'enter_flow',
  read(json) {
    new FieldChecker(json).required('flow').check();
    return { uuid: json.uuid as string, type: 'enter_flow', flow: json.flow as Reference, terminal: json.terminal === true };
  },
  execute(action, ctx) {
    const json = ctx.assets.flow(action.flow.uuid);
    if (!json) {
      ctx.fail(`Unable to find flow '${action.flow.name}'`);
      return;
    }
    const child = ctx.readFlow(json);
    if (!canEnter(ctx.flow.type, child.type)) {
      ctx.fail(`Can't enter flow[uuid=${child.uuid},name=${child.name}] of type ${child.type} from type ${ctx.flow.type}`);
      return;
    }
    ctx.startChild(child, action.terminal);
  },
};
