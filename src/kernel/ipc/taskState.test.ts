import { describe, expect, it } from 'vitest';
import { message, newTask, textPart, type Task } from './a2a';
import { A2A_ERRORS } from './jsonRpc';
import {
  INTERRUPTED_STATES,
  TASK_STATES,
  TASK_TRANSITIONS,
  TERMINAL_STATES,
  canTransition,
  cancel,
  isInterrupted,
  isTerminal,
  taskStateName,
  transition,
  type TaskState,
} from './taskState';

const S = (name: string): TaskState => `TASK_STATE_${name.toUpperCase().replace('-', '_')}` as TaskState;

/** The legal moves, written out independently of TASK_TRANSITIONS (issue #6 and A2A 1.0 §TaskState). */
const LEGAL: readonly string[] = [
  'submitted → working',
  'submitted → rejected',
  'submitted → canceled',
  'submitted → failed',
  'working → input-required',
  'working → auth-required',
  'working → completed',
  'working → failed',
  'working → canceled',
  'input-required → working',
  'input-required → canceled',
  'input-required → failed',
  'auth-required → working',
  'auth-required → canceled',
  'auth-required → failed',
];

/** A task sitting in `state`, stamped at t = 100. */
function taskIn(state: TaskState): Task {
  const t = newTask({ id: 't1', contextId: 'c1', t: 0 });
  return { ...t, status: { state, timestamp: '1970-01-01T00:00:00.100Z' } };
}

const everyPair = TASK_STATES.flatMap((from) => TASK_STATES.map((to) => [taskStateName(from), taskStateName(to)] as const));

describe('task state machine', () => {
  it('has the eight A2A states, four terminal and two interrupted', () => {
    expect(TASK_STATES.map(taskStateName)).toEqual(['submitted', 'working', 'input-required', 'auth-required', 'completed', 'failed', 'canceled', 'rejected']);
    expect([...TERMINAL_STATES].map(taskStateName).sort()).toEqual(['canceled', 'completed', 'failed', 'rejected']);
    expect([...INTERRUPTED_STATES].map(taskStateName).sort()).toEqual(['auth-required', 'input-required']);
    expect(TASK_STATES.filter(isTerminal)).toHaveLength(4);
    expect(TASK_STATES.filter(isInterrupted)).toHaveLength(2);
  });

  it.each(everyPair)('%s → %s', (from, to) => {
    const legal = LEGAL.includes(`${from} → ${to}`);
    expect(canTransition(S(from), S(to))).toBe(legal);
    const before = taskIn(S(from));
    const moved = transition(before, S(to), 2500);
    if (legal) {
      expect(moved).toEqual({ ok: true, task: { ...before, status: { state: S(to), timestamp: '1970-01-01T00:00:02.500Z' } } });
    } else {
      expect(moved.ok).toBe(false);
      if (moved.ok) return;
      if (isTerminal(S(from))) expect(moved.error).toBe(`task t1 is ${from}: a terminal task cannot restart (asked for ${to})`);
      else expect(moved.error).toMatch(new RegExp(`^task t1 cannot go from ${from} to ${to}; from ${from} it may go to `));
    }
    expect(before.status.state).toBe(S(from));
  });

  it('the exported table is exactly the legal list, and frozen for the UI to draw', () => {
    const drawn = TASK_STATES.flatMap((from) => TASK_TRANSITIONS[from].map((to) => `${taskStateName(from)} → ${taskStateName(to)}`));
    expect(drawn.sort()).toEqual([...LEGAL].sort());
    expect(Object.isFrozen(TASK_TRANSITIONS)).toBe(true);
    expect(Object.isFrozen(TASK_TRANSITIONS.TASK_STATE_WORKING)).toBe(true);
    for (const s of TERMINAL_STATES) expect(TASK_TRANSITIONS[s]).toEqual([]);
  });

  it('names the legal moves when it refuses one', () => {
    const moved = transition(taskIn('TASK_STATE_SUBMITTED'), 'TASK_STATE_COMPLETED', 1);
    expect(moved).toEqual({ ok: false, error: 'task t1 cannot go from submitted to completed; from submitted it may go to working, rejected, canceled or failed' });
  });

  it('carries a status message, and leaves history to the caller', () => {
    const why = message({ messageId: 'm9', role: 'ROLE_AGENT', parts: [textPart('Which account?')] });
    const moved = transition(taskIn('TASK_STATE_WORKING'), 'TASK_STATE_INPUT_REQUIRED', 40, why);
    expect(moved.ok && moved.task.status).toEqual({ state: 'TASK_STATE_INPUT_REQUIRED', message: why, timestamp: '1970-01-01T00:00:00.040Z' });
    expect(moved.ok && moved.task.history).toEqual([]);
  });

  it('runs a whole life: submitted → working → input-required → working → completed', () => {
    let task = newTask({ id: 't1', contextId: 'c1', t: 0 });
    for (const [to, t] of [['working', 10], ['input-required', 20], ['working', 30], ['completed', 40]] as const) {
      const moved = transition(task, S(to), t);
      if (!moved.ok) throw new Error(moved.error);
      task = moved.task;
    }
    expect(task.status).toEqual({ state: 'TASK_STATE_COMPLETED', timestamp: '1970-01-01T00:00:00.040Z' });
    expect(transition(task, 'TASK_STATE_WORKING', 50)).toEqual({ ok: false, error: 'task t1 is completed: a terminal task cannot restart (asked for working)' });
  });
});

describe('cancel (CancelTask)', () => {
  it.each(TASK_STATES.filter((s) => !isTerminal(s)).map(taskStateName))('cancels a %s task', (from) => {
    const result = cancel(taskIn(S(from)), 700);
    expect(result).toEqual({ ok: true, task: { ...taskIn(S(from)), status: { state: 'TASK_STATE_CANCELED', timestamp: '1970-01-01T00:00:00.700Z' } } });
  });

  it.each([...TERMINAL_STATES].map(taskStateName))('answers TaskNotCancelable for a %s task', (from) => {
    expect(cancel(taskIn(S(from)), 700)).toEqual({ ok: false, code: A2A_ERRORS.TaskNotCancelable, error: `task t1 is ${from}: a terminal task cannot be canceled` });
  });
});
