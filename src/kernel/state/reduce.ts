/**
 * The kernel's state transition function: every state change happens here, driven by one
 * event. The live kernel, a seek and the UI's projections all use it, so they cannot disagree.
 * `applyEvent` mutates the state in place (the hot path); callers clone where they must.
 */
import type { Segment } from '../memory/segment';
import { SCHED_CLASSES, type SchedClass, type SchedParams } from '../sched';
import type { EventOf, KernelEvent, ModelInfo, SliceCharge } from '../trace/events';
import type { GroupState, KernelState, Proc } from './state';
import type { Encoding } from '../tokens';
import { applyTrustEvent } from './reduceTrust';
import { HUMAN } from '../spec/schema';
import { TERMINAL_STATES as TERMINAL } from '../ipc/taskState';

/** The knobs one model's runqueues get: the run's sched section plus the model's capacity. */
export function paramsFor(s: Pick<KernelState, 'params'>, m: ModelInfo): SchedParams {
  return { ...s.params, slots: m.slots, tokensPerMs: m.tokensPerSecond / 1000 };
}

/** The state right after `run.started`. */
export function stateFromStart(e: EventOf<'run.started'>): KernelState {
  const slots: KernelState['slots'] = {};
  const runqueues: KernelState['runqueues'] = {};
  for (const [model, info] of Object.entries(e.models)) {
    slots[model] = Array.from({ length: info.slots }, () => null);
    const rqs: Record<string, unknown> = {};
    for (const c of SCHED_CLASSES.ordered) rqs[c.name] = c.init(paramsFor({ params: e.sched }, info));
    runqueues[model] = rqs;
  }
  const groups: Record<string, GroupState> = {};
  for (const g of e.groups) groups[g.id] = { ...g, usedTokens: 0, usedCost: 0, periodStart: e.t, throttledUntil: null };
  const stores: KernelState['stores'] = {};
  for (const [id, docs] of Object.entries(e.stores)) {
    stores[id] = docs.map((d, i) => ({ id: `${id}#${i}`, text: d.text, tags: d.tags, trust: d.trust, valid: d.valid, source: 'document', t: 0 }));
  }
  return {
    run: e.run, seed: e.seed, seq: e.seq, now: e.t,
    procs: {}, order: [], slots, models: e.models, params: e.sched, groups, bandwidth: {}, runqueues, inflight: [], stores, artifacts: {}, sent: [], goalsMet: {},
    steps: 0, tokensIn: 0, tokensOut: 0, cost: 0, nextPid: 1, nextId: 1, nextSeg: 1, stopped: null,
    handles: {}, sessionRules: [], declassified: [], views: {}, tasks: {}, taskQueue: [], retainQueue: [],
  };
}

/**
 * The state right after event `seq`: a copy of the nearest snapshot at or before it (snapshots
 * in seq order), then the events after it replayed. Seeks in the kernel and the UI both use it.
 */
export function replayTo(snaps: readonly { seq: number; state: KernelState }[], events: readonly KernelEvent[], seq: number): KernelState {
  let base: { seq: number; state: KernelState } | undefined;
  for (const snap of snaps) {
    if (snap.seq <= seq) base = snap;
    else break;
  }
  const state = base ? cloneState(base.state) : stateFromStart(events[0] as EventOf<'run.started'>);
  for (let i = (base?.seq ?? 0) + 1; i <= seq; i++) applyEvent(state, events[i]!);
  return state;
}

/** A deep copy of a state (states are JSON data). */
export function cloneState(s: KernelState): KernelState {
  return JSON.parse(JSON.stringify(s)) as KernelState;
}

type SegmentInit = Pick<Segment, 'role' | 'text' | 'tokens' | 'kind' | 'source'> & Partial<Segment>;

/** A new segment in the agent's window, with provenance; defaults: trusted, valid, unpinned. */
function push(s: KernelState, p: Proc, init: SegmentInit, t: number): Segment {
  const seg: Segment = {
    id: `s${s.nextSeg++}`, fact: false, pinned: false, trust: 'trusted', verified: false, validity: 1, t, reads: [], ...init,
  };
  p.context.push(seg);
  p.contextTokens += seg.tokens;
  return seg;
}

/** Takes segments out of the window into recall storage; returns the tokens freed. */
function takeOut(p: Proc, ids: readonly string[]): { taken: Segment[]; freed: number } {
  const drop = new Set(ids);
  const taken = p.context.filter((x) => drop.has(x.id));
  p.context = p.context.filter((x) => !drop.has(x.id));
  const freed = taken.reduce((n, x) => n + x.tokens, 0);
  p.contextTokens -= freed;
  p.recall.push(...taken);
  return { taken, freed };
}

function queueTask(s: KernelState, id: string): void {
  if (!s.taskQueue.includes(id)) s.taskQueue.push(id);
}

function backToReady(p: Proc): void {
  p.state = 'ready';
  p.pending = null;
  p.needsEnqueue = true;
}

/** The class object and runqueue an agent is scheduled in. */
export function rqOf(s: KernelState, p: Proc): { cls: SchedClass; rq: unknown } {
  const cls = SCHED_CLASSES.classFor(p.class);
  return { cls, rq: s.runqueues[p.model]![cls.name] };
}

/** The group and its ancestors, nearest first. */
export function groupChain(s: KernelState, id: string | null): GroupState[] {
  const chain: GroupState[] = [];
  for (let g = id === null ? undefined : s.groups[id]; g && chain.length < 64; g = g.parent === null ? undefined : s.groups[g.parent]) chain.push(g);
  return chain;
}

/** Rolls a group's period forward when `now` has passed its end (usage restarts). */
function roll(g: GroupState, now: number): void {
  if (g.periodMs === null || now < g.periodStart + g.periodMs) return;
  g.periodStart += Math.floor((now - g.periodStart) / g.periodMs) * g.periodMs;
  g.usedTokens = 0;
  g.usedCost = 0;
}

/** Charges one slice to the agent, its group chain and the run. */
function charge(s: KernelState, p: Proc, c: SliceCharge, now: number): void {
  p.tokensIn += c.tokensIn;
  p.tokensOut += c.tokensOut;
  p.cost += c.cost;
  s.tokensIn += c.tokensIn;
  s.tokensOut += c.tokensOut;
  s.cost += c.cost;
  for (const g of groupChain(s, p.group)) {
    roll(g, now);
    g.usedTokens += c.tokensIn + c.tokensOut;
    g.usedCost += c.cost;
  }
}

/** The slot is given back and the class is told how much service the slice used. */
function leaveSlot(s: KernelState, p: Proc, model: string, slot: number): void {
  s.slots[model]![slot] = null;
  p.slot = -1;
  p.until = 0;
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
        id: e.agent, pid: e.pid, state: 'ready', model: e.model, window: e.window, encoding: (e.tokenizer ?? 'o200k_base') as Encoding, turn: 0, pc: 0,
        context: [], contextTokens: 0, recall: [], memory: e.memory, pressure: 'ok',
        tools: e.tools, inbox: [], vars: {}, last: '', pending: null, slot: -1, until: 0, call: null,
        readyAt: e.t, waiting: null, sched: e.sched, class: SCHED_CLASSES.classFor(e.sched.class).name, group: e.sched.group ?? null,
        gen: null, routedTurn: -1, tokensIn: 0, tokensOut: 0, cost: 0, finished: null, needsEnqueue: true, taint: {}, lastTaint: [], followed: [],
      };
      s.order.push(e.agent);
      s.nextPid = e.pid + 1;
      push(s, s.procs[e.agent]!, { role: 'system', text: e.system, tokens: e.systemTokens, kind: 'system', source: 'system', pinned: true, verified: true }, e.t);
      break;
    }
    case 'job.failed':
      break;
    case 'sched.admitted':
      s.bandwidth[e.model] = e.utilization;
      break;
    case 'sched.refused':
      break;
    case 'sched.routed': {
      const p = proc(s, e.agent);
      p.model = e.model;
      p.routedTurn = p.turn;
      break;
    }
    case 'sched.enqueued': {
      const p = proc(s, e.agent);
      p.needsEnqueue = false;
      p.readyAt = e.t;
      const { cls, rq } = rqOf(s, p);
      cls.enqueue(rq, { agent: p.id, t: e.t, sched: p.sched, why: e.why }, e.t);
      break;
    }
    case 'sched.picked': {
      const p = proc(s, e.agent);
      const { cls, rq } = rqOf(s, p);
      cls.dequeue(rq, p.id, e.t);
      s.slots[e.model]![e.slot] = p.id;
      p.state = 'running';
      p.slot = e.slot;
      p.until = -1;
      break;
    }
    case 'infer.started': {
      const p = proc(s, e.agent);
      p.until = e.until;
      const spent = p.gen?.turn === e.turn ? p.gen.spent : { tokensIn: 0, cost: 0 };
      // A prefill reads the whole window: recency for the eviction policies.
      if (e.tokensIn > 0) for (const seg of p.context) seg.reads = [...seg.reads.slice(-7), e.t];
      p.gen = { turn: e.turn, total: e.total, done: e.done, slice: e.slice, prefill: e.tokensIn, spent };
      break;
    }
    case 'infer.sliced': {
      const p = proc(s, e.agent);
      charge(s, p, e.slice, e.t);
      const { cls, rq } = rqOf(s, p);
      cls.account(rq, p.id, e.slice.tokensOut, e.t);
      if (p.gen) p.gen = { ...p.gen, done: e.done, slice: 0, prefill: 0, spent: { tokensIn: p.gen.spent.tokensIn + e.slice.tokensIn, cost: p.gen.spent.cost + e.slice.cost } };
      // At a slice boundary: the kernel decides next whether it continues or is preempted.
      p.until = -2;
      break;
    }
    case 'sched.preempted': {
      const p = proc(s, e.agent);
      leaveSlot(s, p, e.model, e.slot);
      p.state = 'ready';
      p.needsEnqueue = true;
      break;
    }
    case 'sched.throttled': {
      if (e.group !== undefined && s.groups[e.group]) s.groups[e.group]!.throttledUntil = e.until;
      // A running agent throttled by its class at a slice boundary: announced; preemption follows.
      const p = e.agent === undefined ? undefined : s.procs[e.agent];
      if (p && p.until === -2) p.until = -3;
      break;
    }
    case 'sched.replenished': {
      if (e.group !== undefined && s.groups[e.group]) {
        const g = s.groups[e.group]!;
        roll(g, e.t);
        g.throttledUntil = null;
      }
      if (e.class !== undefined && e.model !== undefined) SCHED_CLASSES.classFor(e.class).replenish(s.runqueues[e.model]![e.class], e.t);
      break;
    }
    case 'infer.completed': {
      const p = proc(s, e.agent);
      charge(s, p, e.slice, e.t);
      const { cls, rq } = rqOf(s, p);
      cls.account(rq, p.id, e.slice.tokensOut, e.t);
      cls.sleep(rq, p.id, e.t);
      leaveSlot(s, p, e.model, e.slot);
      p.gen = null;
      p.turn = e.turn + 1;
      p.pc = e.pc;
      s.steps += 1;
      if (e.text !== '') push(s, p, { role: 'assistant', text: e.text, tokens: e.tokensOut, kind: 'message', source: `agent:${p.id}` }, e.t);
      if (e.action.kind === 'call' && e.action.injectedFrom !== undefined) p.followed.push(e.action.injectedFrom);
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
      p.call = { callId: e.callId, tool: e.tool, args: e.args, ...(as === undefined ? {} : { as }), decided: false, until: 0, ...(e.taint && e.taint.length > 0 ? { taint: e.taint } : {}) };
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
      push(s, p, { role: 'tool', text, tokens: 0, kind: 'tool', source: 'kernel' }, e.t);
      p.last = text;
      backToReady(p);
      break;
    }
    case 'tool.returned': {
      const p = proc(s, e.agent);
      const as = p.call?.as;
      p.call = null;
      const taint = e.taint ?? [];
      const labels = taint.length > 0 ? { taint } : {};
      if (e.hidden) {
        // Execute-only: the planner never sees the result, only the name it is bound to.
        const text = `${e.tool} returned ${e.ok ? 'a result' : 'an error'}${as === undefined ? '' : ` bound to $${as}`} (hidden from the planner)`;
        push(s, p, { role: 'tool', text, tokens: e.tokens, kind: 'tool', source: `tool:${e.tool}`, trust: 'trusted' }, e.t);
      } else if (e.chunks && e.chunks.length > 0) {
        for (const c of e.chunks) {
          push(s, p, { role: 'tool', text: c.text, tokens: c.tokens, kind: 'retrieved', source: c.source, trust: c.trust, validity: c.valid ? 1 : 0, ...labels }, e.t);
        }
      } else {
        push(s, p, { role: 'tool', text: e.result, tokens: e.tokens, kind: 'tool', source: `tool:${e.tool}`, trust: e.trust ?? 'untrusted', ...labels }, e.t);
      }
      p.lastTaint = taint;
      if (as !== undefined) p.taint[as] = taint;
      if (e.core) {
        const label = e.core.label;
        const old = p.context.find((x) => x.kind === 'core' && x.source === `core:${label}`);
        const text = e.core.mode === 'append' && old ? `${old.text}\n${e.core.text}` : e.core.text;
        if (old) takeOut(p, [old.id]);
        push(s, p, { role: 'system', text, tokens: e.core.tokens, kind: 'core', source: `core:${label}`, pinned: true, verified: true }, e.t);
      }
      p.last = e.result;
      if (as !== undefined) p.vars[as] = e.result;
      if (e.stored) {
        const doc = { id: e.stored.id, text: e.stored.text, tags: [], trust: 'trusted' as const, valid: true, source: `agent:${e.agent}`, t: e.t };
        const own = s.views[e.stored.store]?.[e.agent];
        // A session-tier store the agent copied on write: its private copy, never the shared one.
        if (own) own.push(doc);
        else (s.stores[e.stored.store] ??= []).push(doc);
      }
      backToReady(p);
      break;
    }
    case 'msg.sent': {
      s.inflight.push({
        msgId: e.msgId, from: e.from, to: e.to, text: e.text, facts: e.facts, tokens: e.tokens, deliverAt: e.deliverAt, sentSeq: e.seq, channel: e.channel,
        ...(e.taint && e.taint.length > 0 ? { taint: e.taint } : {}), ...(e.task ? { task: e.task } : {}), ...(e.tracked && e.tracked.length > 0 ? { tracked: e.tracked } : {}),
      });
      s.sent.push({ from: e.from, to: e.to, text: e.text, facts: e.facts });
      if (e.task) {
        // A new task a message asks input for is served by its sender: only a server requires input (A2A).
        const serves = e.taskTo === 'TASK_STATE_INPUT_REQUIRED';
        const t = (s.tasks[e.task] ??= { id: e.task, contextId: e.task, client: serves ? e.to : e.from, server: serves ? e.from : e.to, state: null, want: null });
        if (e.taskTo && e.taskTo !== 'TASK_STATE_SUBMITTED') t.want = e.taskTo;
        queueTask(s, t.id);
      }
      s.nextId += 1;
      // The person at the studio has no process; an agent's send is one of its actions.
      if (e.from !== HUMAN) backToReady(proc(s, e.agent));
      break;
    }
    case 'task.updated': {
      const t = s.tasks[e.task];
      if (t) {
        t.state = e.to;
        if (t.want === e.to) t.want = null;
        if (t.want === null) s.taskQueue = s.taskQueue.filter((id) => id !== t.id);
      }
      break;
    }
    case 'msg.retained':
      s.retainQueue = s.retainQueue.filter((r) => r.msgId !== e.msgId);
      break;
    case 'msg.denied': {
      const p = proc(s, e.agent);
      const text = `message to ${e.to} denied: ${e.reason}`;
      push(s, p, { role: 'tool', text, tokens: 0, kind: 'tool', source: 'kernel' }, e.t);
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
      const facts = i >= 0 ? p.inbox[i]!.facts : [];
      const taint = i >= 0 ? (p.inbox[i]!.taint ?? []) : [];
      const read = i >= 0 ? p.inbox[i]! : null;
      if (read?.task) {
        // The server read the request: the task is being worked on.
        const t = s.tasks[read.task];
        if (t && t.server === p.id && (t.want ?? t.state) === 'TASK_STATE_SUBMITTED') {
          t.want = 'TASK_STATE_WORKING';
          queueTask(s, t.id);
        }
      }
      if (read?.tracked) s.retainQueue.push({ msgId: read.msgId, from: read.from, to: p.id, channel: read.channel ?? '', tracked: read.tracked });
      if (i >= 0) p.inbox.splice(i, 1);
      push(s, p, { role: 'user', text: `[from ${e.from}] ${e.text}`, tokens: e.tokens, kind: 'message', source: `msg:${e.from}`, ...(taint.length > 0 ? { taint } : {}) }, e.t);
      p.lastTaint = taint;
      if (e.as !== undefined) p.taint[e.as] = taint;
      // Parts tagged fact travel as their own segments: never evicted, kept verbatim by compaction.
      for (const f of facts) push(s, p, { role: 'user', text: f, tokens: e.factTokens?.[f] ?? 0, kind: 'fact', source: `msg:${e.from}`, fact: true }, e.t);
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
      const { cls, rq } = rqOf(s, p);
      cls.exit(rq, p.id);
      p.pending = null;
      p.state = 'done';
      p.finished = e.text;
      // Tasks it served and never answered end with it.
      for (const t of Object.values(s.tasks)) {
        const at = t.want ?? t.state;
        if (t.server === p.id && at !== null && !TERMINAL.has(at)) {
          t.want = 'TASK_STATE_COMPLETED';
          queueTask(s, t.id);
        }
      }
      break;
    }
    case 'mem.pressure':
      proc(s, e.agent).pressure = e.level;
      break;
    case 'mem.evicted':
      takeOut(proc(s, e.agent), e.segments.map((x) => x.id));
      break;
    case 'mem.compacted': {
      const p = proc(s, e.agent);
      const at = p.context.findIndex((x) => x.id === e.summarized[0]?.id);
      const { taken } = takeOut(p, e.summarized.map((x) => x.id));
      const seg: Segment = {
        id: e.summary.id, role: 'system', text: e.summary.text, tokens: e.summary.tokens, kind: 'summary', source: 'summary',
        fact: false, pinned: false, trust: 'trusted', verified: false, validity: Math.min(1, ...taken.map((x) => x.validity)), t: e.t, reads: [],
      };
      // A summary derives from what it summarised: it keeps their labels (conservative taint).
      const taint = [...new Set(taken.flatMap((x) => x.taint ?? []))].sort();
      if (taint.length > 0) {
        seg.taint = taint;
        seg.trust = 'untrusted';
      }
      p.context.splice(at < 0 ? p.context.length : at, 0, seg);
      p.contextTokens += seg.tokens;
      s.nextSeg += 1;
      break;
    }
    case 'mem.faulted': {
      const p = proc(s, e.agent);
      if (e.outcome === 'retry') {
        p.pc = Math.max(0, p.pc - 1); // the read is attempted again next turn
        backToReady(p);
        break;
      }
      if (e.outcome === 'failed') {
        push(s, p, { role: 'tool', text: e.detail, tokens: 0, kind: 'tool', source: `fault:${e.ref}` }, e.t);
        p.last = e.detail;
      } else {
        const taint = e.trust === 'untrusted' ? [`page:${e.ref}`] : [];
        push(s, p, { role: 'tool', text: e.text, tokens: e.tokens, kind: 'retrieved', source: `fault:${e.ref}`, trust: e.trust, validity: e.valid ? 1 : 0, ...(taint.length > 0 ? { taint } : {}) }, e.t);
        p.last = e.text;
        p.lastTaint = taint;
        if (e.as !== undefined) {
          p.vars[e.as] = e.text;
          p.taint[e.as] = taint;
        }
      }
      backToReady(p);
      break;
    }
    case 'goal.met':
      s.goalsMet[e.goal] = true;
      break;
    case 'tool.asked':
    case 'tool.approved':
    case 'cap.granted':
    case 'cap.expired':
    case 'mem.cow':
    case 'trust.signature':
    case 'audit.rolledback':
      applyTrustEvent(s, e);
      break;
    case 'run.stopped':
      s.stopped = { reason: e.reason, detail: e.detail };
      break;
  }
}
