/** proc/: an agent's runtime state as structured JSON (/proc for agents), from the state and the run's indexes. */
export { procSnapshot, procText, type HandlesOf } from './procSnapshot';
export type { ProcGroupBudget, ProcSnapshot } from './types';
