/**
 * The kernel's state transition function: every state change happens here, driven by one
 * event. The live kernel, a seek and the UI's projections all use it, so they cannot disagree.
 * `applyEvent` mutates the state in place (the hot path); callers clone where they must.
 */
import type { ContextEntry } from '../cpu/cpu';
import { SCHED_CLASSES } from '../sched';
import type { EventOf, KernelEvent } from '../trace/events';
import type { KernelState, Proc } from './state';

/** The state right after `run.started`. */
export function stateFromStart(e: EventOf<'run.started'>): KernelState {
  const slots: KernelState['slots'] = {};
  const runqueues: KernelState['runqueues'] = {};
  for (const [model, n] of Object.entries(e.models)) {
    slots[model] = Array.from({ length: n }, () => null);
    const rqs: Record<string, unknown> = {};
    for (const c of SCHED_CLASSES.ordered) rqs[c.name] = c.init();
    runqueues[model] = rqs;
  }
  const stores: KernelState['stores'] = {};
  for (const [id, docs] of Object.entries(e.stores)) {
    stores[id] = docs.map((d, i) => ({ id: `${id}#${i}`, text: d.text, tags: d.tags, trust: d.trust, source: 'document', t: 0 }));
  }
  return {
    run: e.run, seed: e.seed, seq: e.seq, now: e.t,
    procs: {}, order: [], slots, runqueues, inflight: [], stores, artifacts: {}, sent: [], goalsMet: {},
    steps: 0, tokensIn: 0, tokensOut: 0, cost: 0, nextPid: 1, nextId: 1, stopped: null,
  };
}

/** A deep copy of a state (states are JSON data). */
export function cloneState(s: KernelState): KernelState {
  return JSON.parse(JSON.stringify(s)) as KernelState;
}

function push(p: Proc, entry: ContextEntry): void {
  p.context.push(entry);
  p.contextTokens += entry.tokens;
}

function backToReady(p: Proc): void {
  p.state = 'ready';
  p.pending = null;
  p.needsEnqueue = true;
}

function proc(s: KernelState, id: string | undefined): Proc {
  const p = id === undefined ? undefined : s.procs[id];
  if (!p) throw new Error(`event names agent "${String(id)}", which is not in the process table`);
  return p;
}

/** Applies one event to the state (in place). Events must arrive in seq order. */
export function applyEvent(s: KernelState, e: KernelEvent): void {
  s.seq = e.seq;
  s.now = e.t;
  switch (e.type) {
    case 'run.started':
      break;
    case 'run.forked':
      s.run = e.run;
      s.stopped = null;
      break;
    case 'job.published': {
      s.procs[e.agent] = {
        id: e.agent, pid: e.pid, state: 'ready', model: e.model, window: e.window, turn: 0, pc: 0,
        context: [{ role: 'system', text: e.system, tokens: e.systemTokens }], contextTokens: e.systemTokens,
        tools: e.tools, inbox: [], vars: {}, last: '', pending: null, slot: -1, until: 0, call: null,
        readyAt: e.t, waiting: null, sched: e.sched, tokensIn: 0, tokensOut: 0, cost: 0, finished: null, needsEnqueue: true,
      };
      s.order.push(e.agent);
      s.nextPid = e.pid + 1;
      break;
    }
    case 'job.failed':
      break;
    case 'sched.enqueued': {
      const p = proc(s, e.agent);
      p.needsEnqueue = false;
      p.readyAt = e.t;
      SCHED_CLASSES.classFor(e.class).enqueue(s.runqueues[p.model]![e.class], { agent: p.id, t: e.t, sched: p.sched });
      break;
    }
    case 'sched.picked': {
      const p = proc(s, e.agent);
      SCHED_CLASSES.classFor(e.class).dequeue(s.runqueues[p.model]![e.class], p.id);
      s.slots[e.model]![e.slot] = p.id;
      p.state = 'running';
      p.slot = e.slot;
      p.until = -1;
      break;
    }
    case 'infer.started':
      proc(s, e.agent).until = e.until;
      break;
    case 'infer.completed': {
      const p = proc(s, e.agent);
      s.slots[e.model]![e.slot] = null;
      p.slot = -1;
      p.until = 0;
      p.turn = e.turn + 1;
      p.pc = e.pc;
      p.tokensIn += e.tokensIn;
      p.tokensOut += e.tokensOut;
      p.cost += e.cost;
      s.tokensIn += e.tokensIn;
      s.tokensOut += e.tokensOut;
      s.cost += e.cost;
      s.steps += 1;
      if (e.text !== '') push(p, { role: 'assistant', text: e.text, tokens: e.tokensOut });
      if (e.action.kind === 'think') backToReady(p);
      else {
        p.state = 'acting';
        p.pending = e.action;
      }
      break;
    }
    case 'tool.called': {
      const p = proc(s, e.agent);
      const as = p.pending?.kind === 'call' ? p.pending.as : undefined;
      p.pending = null;
      p.state = 'syscall';
      p.call = as === undefined
        ? { callId: e.callId, tool: e.tool, args: e.args, decided: false, until: 0 }
        : { callId: e.callId, tool: e.tool, args: e.args, as, decided: false, until: 0 };
      s.nextId += 1;
      break;
    }
    case 'tool.allowed': {
      const call = proc(s, e.agent).call;
      if (call) {
        call.decided = true;
        call.until = e.until;
      }
      break;
    }
    case 'tool.denied': {
      const p = proc(s, e.agent);
      p.call = null;
      const text = `${e.tool} denied: ${e.reason}`;
      push(p, { role: 'tool', text, tokens: 0 });
      p.last = text;
      backToReady(p);
      break;
    }
    case 'tool.returned': {
      const p = proc(s, e.agent);
      const as = p.call?.as;
      p.call = null;
      push(p, { role: 'tool', text: e.result, tokens: e.tokens });
      p.last = e.result;
      if (as !== undefined) p.vars[as] = e.result;
      if (e.stored) (s.stores[e.stored.store] ??= []).push({ id: e.stored.id, text: e.stored.text, tags: [], trust: 'trusted', source: `agent:${e.agent}`, t: e.t });
      backToReady(p);
      break;
    }
    case 'msg.sent': {
      const p = proc(s, e.agent);
      s.inflight.push({ msgId: e.msgId, from: e.from, to: e.to, text: e.text, facts: e.facts, tokens: e.tokens, deliverAt: e.deliverAt, sentSeq: e.seq });
      s.sent.push({ from: e.from, to: e.to, text: e.text });
      s.nextId += 1;
      backToReady(p);
      break;
    }
    case 'msg.denied': {
      const p = proc(s, e.agent);
      const text = `message to ${e.to} denied: ${e.reason}`;
      push(p, { role: 'tool', text, tokens: 0 });
      p.last = text;
      backToReady(p);
      break;
    }
    case 'msg.delivered': {
      const i = s.inflight.findIndex((m) => m.msgId === e.msgId);
      if (i >= 0) {
        const [m] = s.inflight.splice(i, 1);
        s.procs[m!.to]?.inbox.push(m!);
      }
      break;
    }
    case 'agent.blocked': {
      const p = proc(s, e.agent);
      p.pending = null;
      p.state = 'blocked';
      p.waiting = { ...(e.from === undefined ? {} : { from: e.from }), ...(e.as === undefined ? {} : { as: e.as }) };
      break;
    }
    case 'agent.woke': {
      const p = proc(s, e.agent);
      const i = p.inbox.findIndex((m) => m.msgId === e.msgId);
      if (i >= 0) p.inbox.splice(i, 1);
      push(p, { role: 'user', text: `[from ${e.from}] ${e.text}`, tokens: e.tokens });
      p.last = e.text;
      if (e.as !== undefined) p.vars[e.as] = e.text;
      p.waiting = null;
      backToReady(p);
      break;
    }
    case 'artifact.written': {
      s.artifacts[e.name] = { agent: e.agent, text: e.text, seq: e.seq };
      backToReady(proc(s, e.agent));
      break;
    }
    case 'agent.finished': {
      const p = proc(s, e.agent);
      p.pending = null;
      p.state = 'done';
      p.finished = e.text;
      break;
    }
    case 'goal.met':
      s.goalsMet[e.goal] = true;
      break;
    case 'run.stopped':
      s.stopped = { reason: e.reason, detail: e.detail };
      break;
  }
}
