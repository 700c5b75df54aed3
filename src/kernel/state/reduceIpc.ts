/**
 * Inter-agent communication's share of the reducer: messages sent, denied, delivered and read,
 * agents blocking in recv and waking, A2A task transitions and fact-retention bookkeeping.
 */
import { HUMAN } from '../spec/schema';
import { denialText } from '../trust/denialText';
import { taskAdded } from '../ipc/taskIndex';
import type { TaskRecord } from '../ipc/taskRecord';
import { isTerminal } from '../ipc/taskState';
import { backToReady, proc, push, queueTask, type SubsystemReducers } from './reduceHelpers';
import { touchProc } from './touched';
import { appended, frozenCopy, immutable, removedAt, withEntry } from './immutable';

/** The messages' and A2A tasks' reducers. */
export const ipcReducers = {
  'msg.sent': (s, e) => {
    // Messages and the record of what was sent never change: frozen, shared by snapshots.
    s.inflight.push(immutable(Object.assign(
      { msgId: e.msgId, from: e.from, to: e.to, text: e.text, facts: e.facts, tokens: e.tokens, deliverAt: e.deliverAt, sentSeq: e.seq, sentAt: e.t, channel: e.channel },
      e.taint && e.taint.length > 0 ? { taint: e.taint } : {}, e.task ? { task: e.task } : {}, e.tracked && e.tracked.length > 0 ? { tracked: e.tracked } : {},
    )));
    s.sent.push(immutable({ from: e.from, to: e.to, text: e.text, facts: e.facts }));
    if (e.task) {
      // A new task a message asks input for is served by its sender: only a server requires input (A2A).
      const serves = e.taskTo === 'TASK_STATE_INPUT_REQUIRED';
      let t = s.tasks[e.task];
      if (!t) {
        // A task record is frozen and replaced on change, so snapshots share it (tasks are many at scale).
        t = s.tasks[e.task] = immutable<TaskRecord>({ id: e.task, contextId: e.task, client: serves ? e.to : e.from, server: serves ? e.from : e.to, state: null, want: null });
        taskAdded(s.tasks, t.id);
      }
      if (e.taskTo && e.taskTo !== 'TASK_STATE_SUBMITTED') s.tasks[t.id] = frozenCopy(t, { want: e.taskTo });
      queueTask(s, t.id);
    }
    s.nextId += 1;
    // The person at the studio has no process; an agent's send is one of its actions.
    if (e.from !== HUMAN) backToReady(proc(s, e.agent));
  },
  'task.updated': (s, e) => {
    const t = s.tasks[e.task];
    if (t) {
      const want = t.want === e.to ? null : t.want;
      s.tasks[t.id] = frozenCopy(t, { state: e.to, want });
      if (want === null) s.taskQueue = s.taskQueue.filter((id) => id !== t.id);
    }
  },
  'msg.retained': (s, e) => {
    s.retainQueue = s.retainQueue.filter((r) => r.msgId !== e.msgId);
  },
  'msg.denied': (s, e) => {
    const p = proc(s, e.agent);
    const text = denialText(`the message to ${e.to}`, e.decision);
    const labels = e.decision.taint.length > 0 ? { trust: 'untrusted' as const, taint: [...e.decision.taint] } : {};
    push(s, p, { role: 'tool', text, tokens: 0, kind: 'tool', source: 'kernel', ...labels }, e.t);
    p.last = text;
    backToReady(p);
  },
  'msg.delivered': (s, e) => {
    const i = s.inflight.findIndex((m) => m.msgId === e.msgId);
    if (i >= 0) {
      const [m] = s.inflight.splice(i, 1);
      const to = s.procs[m!.to];
      if (to) {
        touchProc(s, to.id);
        to.inbox = appended(to.inbox, m!);
      }
    }
  },
  'remote.replied': (s, e) => {
    // The message left for the remote agent; its answer arrives in the sender's inbox as a message from it.
    const i = s.inflight.findIndex((m) => m.msgId === e.msgId);
    const sent = i >= 0 ? s.inflight.splice(i, 1)[0] : undefined;
    const to = s.procs[e.agent];
    if (to) {
      touchProc(s, to.id);
      to.inbox = appended(to.inbox, immutable(Object.assign(
        { msgId: e.replyId, from: e.remote, to: e.agent, text: e.text, facts: [], tokens: e.tokens, deliverAt: e.t, sentSeq: e.seq },
        sent?.channel ? { channel: sent.channel } : {}, e.taint && e.taint.length > 0 ? { taint: e.taint } : {}, e.task ? { task: e.task } : {},
      )));
    }
    const t = e.task ? s.tasks[e.task] : undefined;
    if (t && !isTerminal(t.want ?? t.state ?? 'TASK_STATE_SUBMITTED')) {
      // The remote's task state is where the kernel's record goes next (task.updated, one legal step at a time).
      const remote = { ...(e.taskId ? { taskId: e.taskId } : {}), ...(e.contextId ? { contextId: e.contextId } : {}) };
      s.tasks[t.id] = frozenCopy(t, { want: e.state, remote });
      queueTask(s, t.id);
    }
    s.nextId += 1;
  },
  'agent.blocked': (s, e) => {
    const p = proc(s, e.agent);
    p.pending = null;
    p.state = 'blocked';
    p.waiting = { ...(e.from === undefined ? {} : { from: e.from }), ...(e.as === undefined ? {} : { as: e.as }) };
  },
  'agent.woke': (s, e) => {
    const p = proc(s, e.agent);
    const i = p.inbox.findIndex((m) => m.msgId === e.msgId);
    const facts = i >= 0 ? p.inbox[i]!.facts : [];
    const taint = i >= 0 ? (p.inbox[i]!.taint ?? []) : [];
    const read = i >= 0 ? p.inbox[i]! : null;
    if (read?.task) {
      // The server read the request: the task is being worked on.
      const t = s.tasks[read.task];
      if (t && t.server === p.id && (t.want ?? t.state) === 'TASK_STATE_SUBMITTED') {
        s.tasks[t.id] = frozenCopy(t, { want: 'TASK_STATE_WORKING' });
        queueTask(s, t.id);
      }
    }
    if (read?.tracked) s.retainQueue.push({ msgId: read.msgId, from: read.from, to: p.id, channel: read.channel ?? '', tracked: read.tracked });
    if (i >= 0) p.inbox = removedAt(p.inbox, i);
    // A message derived from untrusted data is untrusted to its reader too (its labels came with it).
    push(s, p, { role: 'user', text: `[from ${e.from}] ${e.text}`, tokens: e.tokens, kind: 'message', source: `msg:${e.from}`, ...(taint.length > 0 ? { taint, trust: 'untrusted' as const } : {}) }, e.t);
    p.lastTaint = taint;
    if (e.as !== undefined) p.taint = withEntry(p.taint, e.as, immutable([...taint]));
    // Parts tagged fact travel as their own segments: never evicted, kept verbatim by compaction.
    // They are parts of the message: its labels travel with them.
    const partTaint = taint.length > 0 ? { taint, trust: 'untrusted' as const } : {};
    for (const f of facts) push(s, p, { role: 'user', text: f, tokens: e.factTokens?.[f] ?? 0, kind: 'fact', source: `msg:${e.from}`, fact: true, ...partTaint }, e.t);
    p.last = e.text;
    if (e.as !== undefined) p.vars = withEntry(p.vars, e.as, e.text);
    p.waiting = null;
    backToReady(p);
  },
} satisfies SubsystemReducers;
