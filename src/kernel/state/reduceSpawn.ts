/**
 * Delegation's share of the reducer (kernel/loop/spawn.ts): a spawn refused or made, a
 * sub-agent's exit, a kill and its propagation, a handle promoted to durable and released.
 */
import { idTable } from '../ids';
import { countTokens } from '../tokens';
import { TERMINAL_STATES as TERMINAL } from '../ipc/taskState';
import { tasksServedBy, taskAdded } from '../ipc/taskIndex';
import type { TaskRecord } from '../ipc/taskRecord';
import { appended, frozenCopy, immutable, withEntry } from './immutable';
import { backToReady, leaveSlot, proc, push, queueTask, rqOf, type SubsystemReducers } from './reduceHelpers';
import type { KernelState, Proc } from './state';

/** The spawner reads why its spawn was refused, as it would a denied call. */
function refusedText(template: string, code: string, reason: string): string {
  return `spawn ${template} refused (${code}): ${reason}`;
}

/** Takes a process off the CPU and out of its runqueue for good: a kill. */
function stopProc(s: KernelState, p: Proc): void {
  if (p.slot >= 0 && s.slots[p.model]?.[p.slot] === p.id) leaveSlot(s, p, p.model, p.slot);
  const { cls, rq } = rqOf(s, p);
  cls.exit(rq, p.id);
  p.state = 'failed';
  p.needsEnqueue = false;
  p.pending = null;
  p.call = null;
  p.waiting = null;
  p.gen = null;
  p.finished = null;
  p.retry = null;
  s.faultQueue = (s.faultQueue ?? []).filter((a) => a !== p.id);
}

/** Delegation's reducers. */
export const spawnReducers = {
  'spawn.refused': (s, e) => {
    const p = proc(s, e.agent);
    const text = refusedText(e.template, e.code, e.reason);
    push(s, p, { role: 'tool', text, tokens: countTokens(text, p.encoding), kind: 'tool', source: 'kernel' }, e.t);
    p.last = text;
    backToReady(p);
  },
  'agent.spawned': (s, e) => {
    const parent = proc(s, e.agent);
    const child = proc(s, e.child);
    // Copy-on-write: the child's window holds the spawner's segment records themselves (frozen,
    // never changed in place); a change in either window replaces the record there only.
    const byId = new Map(parent.context.map((x) => [x.id, x]));
    const shared = e.window.segments.map((id) => byId.get(id)).filter((x) => x !== undefined);
    child.context = Object.freeze(child.context.concat(shared)) as Proc['context'];
    child.contextTokens += shared.reduce((n, x) => n + x.tokens, 0);
    if (e.text !== '') push(s, child, { role: 'user', text: e.text, tokens: countTokens(e.text, child.encoding), kind: 'message', source: `agent:${e.agent}` }, e.t);
    child.vars = withEntry(child.vars, 'task', e.text);
    child.last = e.text;
    // The A2A task the child serves for its spawner: the spawner waits on it (recv from the child).
    const task: TaskRecord = immutable({ id: e.task, contextId: e.task, client: e.agent, server: e.child, state: null, want: 'TASK_STATE_WORKING' });
    s.tasks[e.task] = task;
    taskAdded(s.tasks, e.task);
    queueTask(s, e.task);
    s.nextId += 1;
    // The carve: a sub-group of the spawner's group whose unspent quota counts as spent there.
    const b = e.budget;
    if (b.group !== null && b.from !== null) {
      const from = s.groups[b.from];
      s.groups[b.group] = { id: b.group, parent: b.from, tokens: b.tokens, cost: b.cost, periodMs: null, weight: from?.weight ?? 100, usedTokens: 0, usedCost: 0, periodStart: e.t, throttledUntil: null, carvedFrom: b.from };
      if (from) from.carvedTo = [...(from.carvedTo ?? []), b.group];
    }
    // A durable handle narrowed to the child has one more holder.
    for (const g of e.caps.granted) {
      const src = s.handles[g.from];
      if (src?.refs !== undefined && !src.refs.includes(e.child)) s.handles[src.id] = frozenCopy(src, { refs: immutable([...src.refs, e.child]) });
    }
    // A unique grant moves the spawner's handle: lent to the child, unusable by the spawner until the child exits.
    for (const id of e.lent ?? []) {
      const h = s.handles[id];
      if (h) s.handles[id] = frozenCopy(h, { lentTo: e.child });
    }
    (s.spawns ??= idTable())[e.child] = { child: e.child, parent: e.agent, task: e.task, group: b.group, from: b.from, detach: e.detach, depth: e.depth, exited: false, ...(e.lent ? { lent: e.lent } : {}) };
    backToReady(parent);
  },
  'spawn.exited': (s, e) => {
    const r = s.spawns?.[e.agent];
    if (r) s.spawns![e.agent] = { ...r, exited: true };
    // The spawner's unique handles it held come back.
    for (const id of e.lent ?? []) {
      const h = s.handles[id];
      if (h?.lentTo === undefined) continue;
      const { lentTo: _to, ...back } = h;
      s.handles[id] = immutable(back);
    }
    // The kernel ended it (its carve spent for good): it stops, and every task it served fails with the reason.
    if (e.code !== undefined) {
      const p = proc(s, e.agent);
      stopProc(s, p);
      for (const t of tasksServedBy(s.tasks, p.id)) {
        const at = t.want ?? t.state;
        if (at === null || !TERMINAL.has(at)) {
          s.tasks[t.id] = frozenCopy(t, { want: 'TASK_STATE_FAILED', why: e.code });
          queueTask(s, t.id);
        }
      }
    }
    // The unused carve returns: the child's group leaves its spawner's carves (what it spent stays charged up the chain).
    if (e.group !== null) {
      const g = s.groups[e.group];
      const from = g?.carvedFrom === undefined ? undefined : s.groups[g.carvedFrom];
      if (from?.carvedTo) from.carvedTo = from.carvedTo.filter((id) => id !== e.group);
    }
    // A task it never finished ends with it; a killed child's task is cancelled.
    const t = s.tasks[e.task];
    if (t) {
      const at = t.want ?? t.state;
      if (at === null || !TERMINAL.has(at)) {
        s.tasks[t.id] = frozenCopy(t, { want: e.outcome === 'completed' ? 'TASK_STATE_COMPLETED' : e.outcome === 'killed' ? 'TASK_STATE_CANCELED' : 'TASK_STATE_FAILED' });
        queueTask(s, t.id);
      }
    }
    // Its answer reaches the spawner as a message from it, in the task (the spawner waits with recv).
    const parent = s.procs[e.parent];
    if (parent && parent.state !== 'done' && parent.state !== 'failed') {
      const p = proc(s, e.parent);
      p.inbox = appended(p.inbox, immutable({ msgId: e.msgId, from: e.agent, to: e.parent, text: e.text, facts: [], tokens: countTokens(e.text, p.encoding), deliverAt: e.t, sentSeq: e.seq, sentAt: e.t, channel: 'spawn', task: e.task }));
    }
    s.nextId += 1;
  },
  'agent.killed': (s, e) => {
    const p = proc(s, e.agent);
    stopProc(s, p);
    p.killed = { mode: e.mode, by: e.by, origin: e.origin, depth: e.depth };
    for (const t of tasksServedBy(s.tasks, p.id)) {
      const at = t.want ?? t.state;
      if (at !== null && !TERMINAL.has(at)) {
        s.tasks[t.id] = frozenCopy(t, { want: 'TASK_STATE_CANCELED' });
        queueTask(s, t.id);
      }
    }
  },
  'cap.promoted': (s, e) => {
    s.handles[e.handle.id] = immutable(Object.assign({}, e.handle));
    s.nextId += 1;
    s.promoted = (s.promoted ?? 0) + 1;
    // The call returns what was promoted (the tool class reads it, as a /proc read's text).
    const p = proc(s, e.agent);
    if (p.call) p.call = { ...p.call, read: `durable handle ${e.handle.id} on ${e.handle.target} (${e.handle.kind}, ${e.handle.access}), promoted from ${e.from} with approval #${e.approval}` };
  },
  'cap.released': (s, e) => {
    const h = s.handles[e.handle];
    if (!h) return;
    const refs = (h.refs ?? []).filter((a) => a !== e.agent);
    s.handles[h.id] = frozenCopy(h, { refs: immutable(refs), ...(refs.length === 0 ? { ended: immutable({ t: e.t, reason: e.reason }) } : {}) });
  },
} satisfies SubsystemReducers;
