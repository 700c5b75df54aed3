/**
 * The kernel's side of A2A tasks: which task a message belongs to and what state it should move
 * to, the envelope it travels in, and the next legal task transition to emit. Decisions read the
 * state only; the transitions themselves are `task.updated` events, so tasks replay like the rest.
 */
import type { KernelState } from '../state/state';
import { HUMAN } from '../spec';
import type { KernelEventBody } from '../trace/events';
import { message, textPart } from './a2a';
import { factArrived } from './retention';
import { rpcRequest } from './jsonRpc';
import { canTransition, isTerminal, TASK_TRANSITIONS, type TaskState } from './taskState';
import type { TaskRecord } from './taskRecord';
import { lastTaskBetween } from './taskIndex';

// Its own file, so the kernel state can hold tasks without importing this module (which reads that state).
export type { TaskRecord } from './taskRecord';

/** What a reply may put its task in (the sim step's `task`). */
export type ReplyState = 'completed' | 'input-required' | 'failed' | 'rejected';

const REPLY: Readonly<Record<ReplyState, TaskState>> = Object.freeze({
  completed: 'TASK_STATE_COMPLETED',
  'input-required': 'TASK_STATE_INPUT_REQUIRED',
  failed: 'TASK_STATE_FAILED',
  rejected: 'TASK_STATE_REJECTED',
});

const open = (t: TaskRecord): boolean => !isTerminal(t.want ?? t.state ?? 'TASK_STATE_SUBMITTED');

/** A state reachable from `from` by legal moves (A2A's table). */
export function reachable(from: TaskState, to: TaskState): boolean {
  const seen = new Set<TaskState>([from]);
  const queue = [from];
  while (queue.length > 0) {
    const s = queue.shift()!;
    if (s === to) return true;
    for (const n of TASK_TRANSITIONS[s]) if (!seen.has(n)) (seen.add(n), queue.push(n));
  }
  return false;
}

/**
 * The task a message from `from` to `to` belongs to and the state it asks for: a reply to a task
 * `to` gave `from` (completed unless the step says otherwise), an answer to a task waiting for
 * input, a further message in an open task, or a new task (submitted).
 */
export function planSend(s: Readonly<KernelState>, from: string, to: string, reply: ReplyState | undefined): { task: string; taskTo: TaskState | null } {
  // The last open task each way between the two (the index keeps creation order, as the table does).
  const served = lastTaskBetween(s.tasks, to, from, open);
  if (served) {
    const want = REPLY[reply ?? 'completed'];
    return { task: served.id, taskTo: reachable(served.want ?? served.state ?? 'TASK_STATE_SUBMITTED', want) ? want : null };
  }
  const asked = lastTaskBetween(s.tasks, from, to, open);
  if (asked) return { task: asked.id, taskTo: (asked.want ?? asked.state) === 'TASK_STATE_INPUT_REQUIRED' ? 'TASK_STATE_WORKING' : null };
  // Asking for input opens a task the sender serves for the receiver (only a server requires input).
  if (reply === 'input-required') return { task: `t${s.nextId}`, taskTo: 'TASK_STATE_INPUT_REQUIRED' };
  return { task: `t${s.nextId}`, taskTo: 'TASK_STATE_SUBMITTED' };
}

/** The A2A 1.0 JSON-RPC SendMessage request a message travels in (the client speaks as user, the server as agent). */
export function envelopeFor(s: Readonly<KernelState>, msgId: string, from: string, task: string, text: string, facts: readonly string[]): Record<string, unknown> {
  const t = s.tasks[task];
  const role = t && t.server === from ? 'ROLE_AGENT' : 'ROLE_USER';
  const parts = [textPart(text), ...facts.map((f) => textPart(f, { tag: 'fact' }))];
  const msg = message({ messageId: msgId, role, parts, contextId: t?.contextId ?? task, taskId: task, metadata: { from } });
  return rpcRequest(msgId, 'SendMessage', { message: msg }) as unknown as Record<string, unknown>;
}

/** The next task transition the state asks for (creation first, then one legal step toward `want`), or null. */
export function nextTaskEvent(s: Readonly<KernelState>): KernelEventBody | null {
  if (s.taskQueue.length === 0) return null;
  for (const id of s.taskQueue) {
    const t = s.tasks[id];
    if (!t) continue;
    const agent = t.server === HUMAN ? t.client : t.server;
    const base = { type: 'task.updated' as const, agent, task: t.id, contextId: t.contextId, client: t.client, server: t.server, msgId: null };
    if (t.state === null) return { ...base, from: null, to: 'TASK_STATE_SUBMITTED', reason: `${t.client} asked ${t.server}` };
    if (t.want === null || t.want === t.state) continue;
    const to = canTransition(t.state, t.want) ? t.want : TASK_TRANSITIONS[t.state].find((n) => reachable(n, t.want!)) ?? null;
    if (to === null) continue;
    return { ...base, from: t.state, to, reason: reasonFor(t, to) };
  }
  return null;
}

function reasonFor(t: TaskRecord, to: TaskState): string {
  switch (to) {
    case 'TASK_STATE_WORKING':
      return `${t.server} works on it`;
    case 'TASK_STATE_INPUT_REQUIRED':
      return `${t.server} needs input from ${t.client}`;
    case 'TASK_STATE_COMPLETED':
      return `${t.server} delivered it`;
    case 'TASK_STATE_FAILED':
      return t.why === undefined ? `${t.server} failed it` : `${t.server} failed it: ${t.why}`;
    case 'TASK_STATE_REJECTED':
      return `${t.server} rejected it`;
    case 'TASK_STATE_CANCELED':
      return 'canceled';
    default:
      return to;
  }
}

/** The next read message whose tracked facts are to be checked in the receiver's window (`msg.retained`), or null. */
export function nextRetention(s: Readonly<KernelState>): KernelEventBody | null {
  const r = s.retainQueue[0];
  if (!r) return null;
  const receiver = s.procs[r.to];
  const window = receiver ? receiver.context.map((x) => x.text) : [];
  const arrived = r.tracked.filter((f) => factArrived(textPart(f), window));
  return { type: 'msg.retained', agent: r.to, msgId: r.msgId, from: r.from, to: r.to, channel: r.channel, tracked: r.tracked, arrived, lost: r.tracked.filter((f) => !arrived.includes(f)) };
}
