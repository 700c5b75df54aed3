/**
 * Test-only: a slot simulator for the per-class scenario tests. Several classes over one
 * model's slots, with agents that arrive, need so many tokens per job, sleep and come back.
 * Per instant: slices end and are accounted, due class timers fire, arrivals are enqueued,
 * slice boundaries decide, then free slots are filled. The decisions (who gets a free slot,
 * whether a runner continues at a boundary, how long a slice is) are the scheduler core's
 * (sched/core.ts), the same code the kernel's run loop calls. Deterministic; reports service
 * and per-job times.
 */
import type { AgentId } from '../../ids';
import { atSliceBoundary, pickForSlot, sliceLength, type SchedView } from '../core';
import type { SchedClass, SchedParams } from '../schedClass';
import type { SchedSpec } from './conformanceDriver';
import { fireDueTimers } from './fireDueTimers';

/** A simulated agent: jobs of `work` tokens, arriving every `periodMs` or `gapMs` after the last. */
export interface SimAgent {
  id: AgentId;
  cls: string;
  sched: SchedSpec;
  /** Tokens per job; Infinity = one job that never ends (a runaway). */
  work: number;
  /** First arrival, ms (default 0). */
  start?: number;
  /** Periodic release: job k arrives at start + k·periodMs (or when job k−1 ends, if later). */
  periodMs?: number;
  /** Otherwise the next job arrives this long after the previous one ends (default: no next job). */
  gapMs?: number;
  /** At most this many jobs (default unbounded while time lasts). */
  jobs?: number;
}

/** One finished job. */
export interface SimJob {
  agent: AgentId;
  release: number;
  /** When it was first picked, and when its last token was generated. */
  firstRun: number;
  finish: number;
}

/** A slice as it ran: for per-window accounting in tests. */
export interface SimSlice {
  agent: AgentId;
  cls: string;
  slot: number;
  t0: number;
  t1: number;
  tokens: number;
}

/** Observers; `rqs` are the live runqueues by class name (read them, do not change them). */
export interface SimHooks {
  /** A slice has ended, before it is accounted (so stats still show the numbers it ran under). */
  onSlice?: (s: SimSlice, rqs: Record<string, unknown>) => void;
  /** A class picked `agent` for a free slot, before dequeue. */
  onPick?: (agent: AgentId, cls: string, now: number, rqs: Record<string, unknown>) => void;
}

/** What a simulation produced: service per agent, finished jobs, jobs still in progress, the runqueues. */
export interface SimResult {
  now: number;
  /** Tokens of service per agent. */
  service: Record<AgentId, number>;
  jobs: SimJob[];
  /** Unfinished jobs at the end: release time of the job in progress, by agent. */
  pending: Record<AgentId, number>;
  rqs: Record<string, unknown>;
}

interface Live {
  a: SimAgent;
  phase: 'waiting' | 'queued' | 'running' | 'done';
  arrive: number;
  jobNo: number;
  left: number;
  release: number;
  firstRun: number;
  slot: number;
}

interface Slot {
  live: Live;
  cls: SchedClass;
  tokens: number;
  end: number;
}

/** Runs `agents` on `params.slots` slots until `untilMs` (or nothing is left to happen). */
export function simulate(
  classes: readonly SchedClass[],
  params: SchedParams,
  agents: readonly SimAgent[],
  untilMs: number,
  hooks: SimHooks = {},
): SimResult {
  const ordered = [...classes].sort((x, y) => x.rank - y.rank);
  const byName = new Map(ordered.map((c) => [c.name, c]));
  const rqs: Record<string, unknown> = {};
  for (const c of ordered) rqs[c.name] = c.init(params);
  const lives: Live[] = agents.map((a) => ({ a, phase: 'waiting', arrive: a.start ?? 0, jobNo: 0, left: 0, release: 0, firstRun: -1, slot: -1 }));
  const slots: (Slot | null)[] = Array.from({ length: params.slots }, () => null);
  const service: Record<AgentId, number> = {};
  const jobs: SimJob[] = [];
  let now = 0;

  const clsOf = (l: Live): SchedClass => {
    const c = byName.get(l.a.cls);
    if (!c) throw new Error(`no class ${l.a.cls}`);
    return c;
  };
  const current: SchedView = { classes: ordered, rqs, now };
  const view = (): SchedView => {
    current.now = now;
    return current;
  };
  const startSlice = (i: number, l: Live, cls: SchedClass): void => {
    // An unbounded slice (fifo) still needs an end time here: a long stand-in, checked again at its boundary.
    const allowed = sliceLength(cls, rqs[cls.name], l.a.id);
    const tokens = Math.max(1, Math.min(l.left, Number.isFinite(allowed) ? allowed : params.sliceTokens * 64));
    slots[i] = { live: l, cls, tokens, end: now + tokens / params.tokensPerMs };
  };

  for (let guard = 0; guard < 50_000_000; guard++) {
    // 1. Slices that end now are accounted; finished jobs sleep (and leave after their last).
    const boundary: number[] = [];
    slots.forEach((s, i) => {
      if (!s || s.end > now) return;
      const { live: l, cls } = s;
      hooks.onSlice?.({ agent: l.a.id, cls: cls.name, slot: i, t0: s.end - s.tokens / params.tokensPerMs, t1: now, tokens: s.tokens }, rqs);
      cls.account(rqs[cls.name], l.a.id, s.tokens, now);
      service[l.a.id] = (service[l.a.id] ?? 0) + s.tokens;
      l.left -= s.tokens;
      if (l.left > 0) {
        boundary.push(i);
        return;
      }
      slots[i] = null;
      jobs.push({ agent: l.a.id, release: l.release, firstRun: l.firstRun, finish: now });
      cls.sleep(rqs[cls.name], l.a.id, now);
      l.jobNo++;
      const more = l.jobNo < (l.a.jobs ?? Number.POSITIVE_INFINITY);
      if (more && l.a.periodMs !== undefined) l.arrive = Math.max(now, (l.a.start ?? 0) + l.jobNo * l.a.periodMs);
      else if (more && l.a.gapMs !== undefined) l.arrive = now + l.a.gapMs;
      else l.arrive = Number.POSITIVE_INFINITY;
      l.phase = Number.isFinite(l.arrive) ? 'waiting' : 'done';
      if (l.phase === 'done') cls.exit(rqs[cls.name], l.a.id);
    });
    // 2. Due class timers.
    for (const c of ordered) fireDueTimers(c, rqs[c.name], now);
    // 3. Arrivals.
    for (const l of lives) {
      if (l.phase !== 'waiting' || l.arrive > now) continue;
      const cls = clsOf(l);
      cls.enqueue(rqs[cls.name], { agent: l.a.id, t: now, sched: l.a.sched, why: l.jobNo === 0 ? 'new' : 'wakeup' }, now);
      l.phase = 'queued';
      l.left = l.a.work;
      l.release = l.arrive;
      l.firstRun = -1;
    }
    // 4. Slice boundaries: throttled, a higher class has work, or the class's own rule.
    for (const i of boundary) {
      const s = slots[i]!;
      const rq = rqs[s.cls.name];
      if (atSliceBoundary(view(), s.cls, s.live.a.id).kind === 'preempt') {
        s.cls.enqueue(rq, { agent: s.live.a.id, t: now, sched: s.live.a.sched, why: 'preempted' }, now);
        s.live.phase = 'queued';
        slots[i] = null;
      } else {
        startSlice(i, s.live, s.cls);
      }
    }
    // 5. Free slots, classes asked in rank order.
    for (let i = 0; i < slots.length; i++) {
      if (slots[i]) continue;
      const pick = pickForSlot(view());
      if (pick === null) continue;
      const { cls: c, agent: id } = pick;
      const l = lives.find((x) => x.a.id === id)!;
      hooks.onPick?.(id, c.name, now, rqs);
      c.dequeue(rqs[c.name], id, now);
      l.phase = 'running';
      if (l.firstRun < 0) l.firstRun = now;
      startSlice(i, l, c);
    }
    // 6. The next instant something happens.
    let next = Number.POSITIVE_INFINITY;
    for (const s of slots) if (s) next = Math.min(next, s.end);
    for (const l of lives) if (l.phase === 'waiting') next = Math.min(next, l.arrive);
    for (const c of ordered) {
      const t = c.nextTimer(rqs[c.name], now);
      if (t > now) next = Math.min(next, t);
    }
    if (!(next <= untilMs)) break;
    now = next;
  }
  const pending: Record<AgentId, number> = {};
  for (const l of lives) if (l.phase === 'queued' || l.phase === 'running') pending[l.a.id] = l.release;
  return { now, service, jobs, pending, rqs };
}
