/**
 * The A2A task state machine (REFERENCES §4.1): which state may follow which, as a table the
 * UI can draw, and the two operations that move a task. A terminal task never moves again;
 * asking it to is an error, never a silent no-op.
 */
import { virtualTimestamp, type Message, type Task, type TaskState } from './a2a';
import { A2A_ERRORS } from './jsonRpc';

// The type is a wire type (a2a.ts), so a2a.ts and jsonRpc.ts need not import this module.
export type { TaskState } from './a2a';

/** Every state, in lifecycle order: live, interrupted, terminal. */
export const TASK_STATES: readonly TaskState[] = Object.freeze([
  'TASK_STATE_SUBMITTED',
  'TASK_STATE_WORKING',
  'TASK_STATE_INPUT_REQUIRED',
  'TASK_STATE_AUTH_REQUIRED',
  'TASK_STATE_COMPLETED',
  'TASK_STATE_FAILED',
  'TASK_STATE_CANCELED',
  'TASK_STATE_REJECTED',
] as const);

/** States a task never leaves. */
export const TERMINAL_STATES: ReadonlySet<TaskState> = new Set<TaskState>(['TASK_STATE_COMPLETED', 'TASK_STATE_FAILED', 'TASK_STATE_CANCELED', 'TASK_STATE_REJECTED']);

/** States where the task waits on its client: more input, or credentials. */
export const INTERRUPTED_STATES: ReadonlySet<TaskState> = new Set<TaskState>(['TASK_STATE_INPUT_REQUIRED', 'TASK_STATE_AUTH_REQUIRED']);

/**
 * The legal moves, `from → [to…]`: policy as data, read by `transition` and drawn by the UI.
 * Staying in a state is not a move (a progress note is a status message, not a transition).
 */
export const TASK_TRANSITIONS: Readonly<Record<TaskState, readonly TaskState[]>> = Object.freeze({
  TASK_STATE_SUBMITTED: Object.freeze(['TASK_STATE_WORKING', 'TASK_STATE_REJECTED', 'TASK_STATE_CANCELED', 'TASK_STATE_FAILED'] as const),
  TASK_STATE_WORKING: Object.freeze(['TASK_STATE_INPUT_REQUIRED', 'TASK_STATE_AUTH_REQUIRED', 'TASK_STATE_COMPLETED', 'TASK_STATE_FAILED', 'TASK_STATE_CANCELED'] as const),
  TASK_STATE_INPUT_REQUIRED: Object.freeze(['TASK_STATE_WORKING', 'TASK_STATE_CANCELED', 'TASK_STATE_FAILED'] as const),
  TASK_STATE_AUTH_REQUIRED: Object.freeze(['TASK_STATE_WORKING', 'TASK_STATE_CANCELED', 'TASK_STATE_FAILED'] as const),
  TASK_STATE_COMPLETED: Object.freeze([] as const),
  TASK_STATE_FAILED: Object.freeze([] as const),
  TASK_STATE_CANCELED: Object.freeze([] as const),
  TASK_STATE_REJECTED: Object.freeze([] as const),
});

/** The short lower-case name A2A prose (and v0.3) uses: `TASK_STATE_INPUT_REQUIRED` → "input-required". */
export const taskStateName = (s: TaskState): string => s.slice('TASK_STATE_'.length).toLowerCase().replace('_', '-');

/** True for completed, failed, canceled and rejected. */
export const isTerminal = (s: TaskState): boolean => TERMINAL_STATES.has(s);

/** True for input-required and auth-required. */
export const isInterrupted = (s: TaskState): boolean => INTERRUPTED_STATES.has(s);

/** Whether `to` may follow `from`. */
export const canTransition = (from: TaskState, to: TaskState): boolean => TASK_TRANSITIONS[from].includes(to);

/** A move's outcome: the task in its new state, or why the move is illegal. */
export type TransitionResult = { ok: true; task: Task } | { ok: false; error: string };

function listOr(states: readonly TaskState[]): string {
  const names = states.map(taskStateName);
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/**
 * Moves `task` to `to` at virtual time `t` (ms), with an optional status message. Returns a
 * new task (the input is not changed), or an error naming the illegal move and the legal ones.
 */
export function transition(task: Task, to: TaskState, t: number, note?: Message): TransitionResult {
  const from = task.status.state;
  if (isTerminal(from)) {
    return { ok: false, error: `task ${task.id} is ${taskStateName(from)}: a terminal task cannot restart (asked for ${taskStateName(to)})` };
  }
  if (!canTransition(from, to)) {
    return { ok: false, error: `task ${task.id} cannot go from ${taskStateName(from)} to ${taskStateName(to)}; from ${taskStateName(from)} it may go to ${listOr(TASK_TRANSITIONS[from])}` };
  }
  const status = note === undefined ? { state: to, timestamp: virtualTimestamp(t) } : { state: to, message: note, timestamp: virtualTimestamp(t) };
  return { ok: true, task: { ...task, status } };
}

/** CancelTask's outcome: the canceled task, or TaskNotCancelable with the reason. */
export type CancelResult = { ok: true; task: Task } | { ok: false; code: typeof A2A_ERRORS.TaskNotCancelable; error: string };

/**
 * CancelTask semantics: every non-terminal task may be canceled (a legal move from each);
 * a terminal one answers TaskNotCancelable (-32002), including one already canceled.
 */
export function cancel(task: Task, t: number, note?: Message): CancelResult {
  const from = task.status.state;
  if (isTerminal(from)) {
    return { ok: false, code: A2A_ERRORS.TaskNotCancelable, error: `task ${task.id} is ${taskStateName(from)}: a terminal task cannot be canceled` };
  }
  const moved = transition(task, 'TASK_STATE_CANCELED', t, note);
  return moved.ok ? moved : { ok: false, code: A2A_ERRORS.TaskNotCancelable, error: moved.error };
}
