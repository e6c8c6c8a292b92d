// Loads every function family so each registers itself in FUNCTIONS.
import './text';
import './numbers';
import './dates';
import './collections';
import './misc';
import '../routers/tests';

export { FUNCTIONS } from './registry';
