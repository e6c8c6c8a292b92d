// ClosedTicketConsumer: the trigger use cases that start flows through the FlowEngine function.
export { closedTicketTriggers as wireClosedTicketConsumer } from './triggers';
