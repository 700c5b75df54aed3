/**
 * The scheduler's share of the reducer: admission, routing, runqueue entry and exit, slots,
 * preemption, throttling and replenishment, and the inference slices a slot runs. Every
 * mutating scheduling-class op (enqueue, dequeue, account, sleep, replenish) is called here.
 */
import { takePendingCached } from './kvCacheReducers';
import { callErrorText } from '../cpu/calls';
import { SCHED_CLASSES } from '../sched';
import { backToReady, charge, leaveSlot, proc, push, roll, rqOf, type SubsystemReducers } from './reduceHelpers';
import { countRequest, replenishEndpoint, throttleEndpoint } from './reduceFaults';
import { appended, frozenCopy, immutableOver } from './immutable';
import { touchProc } from './touched';

/** The scheduler's reducers: admission, routing, runqueues, slots, preemption, throttling, replenishment. */
export const schedReducers = {
  'sched.admitted': (s, e) => {
    s.bandwidth[e.model] = e.utilization;
  },
  'sched.refused': () => {},
  'sched.routed': (s, e) => {
    const p = proc(s, e.agent);
    p.model = e.model;
    p.routedTurn = p.turn;
  },
  'sched.enqueued': (s, e) => {
    const p = proc(s, e.agent);
    p.needsEnqueue = false;
    p.readyAt = e.t;
    // A failed call's backoff is over once it is back in a runqueue.
    if (p.retry?.at != null) p.retry.at = null;
    const { cls, rq } = rqOf(s, p);
    cls.enqueue(rq, { agent: p.id, t: e.t, sched: p.sched, why: e.why }, e.t);
  },
  'sched.picked': (s, e) => {
    const p = proc(s, e.agent);
    const { cls, rq } = rqOf(s, p);
    cls.dequeue(rq, p.id, e.t);
    s.slots[e.model]![e.slot] = p.id;
    p.state = 'running';
    p.slot = e.slot;
    p.slotPhase = 'picked';
    p.until = 0;
  },
  'sched.preempted': (s, e) => {
    const p = proc(s, e.agent);
    leaveSlot(s, p, e.model, e.slot);
    p.state = 'ready';
    p.needsEnqueue = true;
  },
  'sched.throttled': (s, e) => {
    if (e.group !== undefined && s.groups[e.group]) s.groups[e.group]!.throttledUntil = e.until;
    // A running agent throttled by its class at a slice boundary: announced; preemption follows.
    const p = e.agent === undefined ? undefined : s.procs[e.agent];
    if (p && p.slotPhase === 'boundary') {
      touchProc(s, p.id);
      p.slotPhase = 'throttle-noted';
    }
    throttleEndpoint(s, e);
  },
  'sched.replenished': (s, e) => {
    if (e.group !== undefined && s.groups[e.group]) {
      const g = s.groups[e.group]!;
      roll(g, e.t);
      g.throttledUntil = null;
    }
    if (e.class !== undefined && e.model !== undefined) SCHED_CLASSES.classFor(e.class).replenish(s.runqueues[e.model]![e.class], e.t);
    replenishEndpoint(s, e);
  },
} satisfies SubsystemReducers;

/** The slot's inference reducers: a slice started, a slice ended at a boundary, a turn completed. */
export const inferReducers = {
  'infer.started': (s, e) => {
    const p = proc(s, e.agent);
    p.slotPhase = 'slicing';
    p.until = e.until;
    const spent = p.gen?.turn === e.turn ? p.gen.spent : { tokensIn: 0, cost: 0 };
    // A prefill reads the whole window: recency for the eviction policies.
    // (Segments are frozen: each is replaced by one with the read added.)
    if (e.tokensIn > 0) {
      const ctx = p.context.slice();
      for (let i = 0; i < ctx.length; i++) {
        const seg = ctx[i]!;
        ctx[i] = frozenCopy(seg, { reads: immutableOver([...seg.reads.slice(-7), e.t]) });
      }
      p.context = Object.freeze(ctx) as typeof ctx;
    }
    // A prefill after a prefix-cache lookup is priced with its cached tokens (kvCacheReducers.ts).
    const cachedIn = takePendingCached(p, e.tokensIn);
    p.gen = { turn: e.turn, total: e.total, done: e.done, slice: e.slice, prefill: e.tokensIn, spent, ...(cachedIn === undefined ? {} : { cachedIn }) };
    // A prefill is a request to the endpoint: it enters the window of a model with declared rpm / tpm
    // (a real model's stream with its input only: its output is not known when it starts).
    if (e.tokensIn > 0) countRequest(s, e.model, e.t, e.tokensIn + (e.total === null ? 0 : e.total - e.done));
  },
  'infer.sliced': (s, e) => {
    const p = proc(s, e.agent);
    charge(s, p, e.slice, e.t);
    const { cls, rq } = rqOf(s, p);
    cls.account(rq, p.id, e.slice.tokensOut, e.t);
    if (p.gen) p.gen = { ...p.gen, done: e.done, slice: 0, prefill: 0, spent: { tokensIn: p.gen.spent.tokensIn + e.slice.tokensIn, cost: p.gen.spent.cost + e.slice.cost } };
    // At a slice boundary: the kernel decides next whether it continues or is preempted.
    p.slotPhase = 'boundary';
    p.until = 0;
  },
  'infer.completed': (s, e) => {
    const p = proc(s, e.agent);
    charge(s, p, e.slice, e.t);
    const { cls, rq } = rqOf(s, p);
    cls.account(rq, p.id, e.slice.tokensOut, e.t);
    // A real model's reported usage, where it differs from the counts the slices ran on.
    if (e.correction) charge(s, p, e.correction, e.t);
    cls.sleep(rq, p.id, e.t);
    leaveSlot(s, p, e.model, e.slot);
    p.gen = null;
    p.turn = e.turn + 1;
    p.pc = e.pc;
    s.steps += 1;
    if (e.text !== '') push(s, p, { role: 'assistant', text: e.text, tokens: e.tokensOut, kind: 'message', source: `agent:${p.id}` }, e.t);
    // A real model's malformed call: the error goes into its window so it can correct the call next turn.
    if (e.callError) push(s, p, { role: 'tool', text: callErrorText(e.callError), tokens: e.callError.tokens, kind: 'tool', source: 'kernel' }, e.t);
    if ((e.action.kind === 'call' || e.action.kind === 'send') && e.action.injectedFrom !== undefined) p.followed = appended(p.followed, e.action.injectedFrom);
    if (e.action.kind === 'think') backToReady(p);
    else {
      p.state = 'acting';
      p.pending = e.action;
    }
  },
} satisfies SubsystemReducers;
