// FlowTimers: a fired timer resumes its session, which may do anything a
// sprint does (open a ticket, send mail, set the next timer): the flow engine.
export { wireFlowEngine as wireFlowTimers } from './flow-engine';
