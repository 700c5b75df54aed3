/**
 * The executor's half of execute-only agents: the planner writes `$placeholders`, and the
 * kernel, not the model, binds them to the values they name. Pure.
 */
import type { Proc } from '../state/state';
import { bindPlaceholders } from './execOnly';

/** `value` with its placeholders bound from the agent's variables (and `$last`) when it is execute-only; else unchanged. */
export function bindForExecutor(p: Readonly<Proc>, executeOnly: boolean, value: unknown): unknown {
  return executeOnly ? bindPlaceholders(value, { ...p.vars, last: p.last }) : value;
}
