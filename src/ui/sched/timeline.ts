/**
 * The scheduler's history as the Gantt chart and the runqueue view need it, extracted from a
 * run's events in one incremental pass: slot rows, bars (an agent holding a model slot),
 * markers (preemptions, throttles, refused admissions), each agent's latest scheduling
 * numbers, and routing decisions.
 *
 * A timeline is built once per trace and advanced to the head as events arrive (the run's
 * events array only grows), so views read it per cursor move without rescanning. Bars are kept
 * in columns (parallel number arrays) — a long run has tens of thousands of them.
 */
import type { KernelEvent } from '../../kernel';
import { formatVt } from '../run/format';
import type { SchedStats } from './classViews';

export interface GanttRow {
  model: string;
  slot: number;
  /** `sim-small[0]` */
  label: string;
}

export type BarEnd = 'completed' | 'preempted' | 'left' | 'stopped';
export type MarkerKind = 'preempt' | 'throttle' | 'refuse' | 'resume';

/** The lane above the slot rows, for markers that concern no slot (budget throttles, refused admissions). */
export const LANE = -1;

export interface Marker {
  kind: MarkerKind;
  seq: number;
  t: number;
  /** A row index, or LANE. */
  row: number;
  agent: string | null;
  /** One line: what happened and why. */
  text: string;
}

/** Bars in columns; bar i is `row[i]`, `agent[i]`… Within a row, bars never overlap and start in order. */
export interface Bars {
  row: number[];
  /** Index into `Timeline.agents`. */
  agent: number[];
  start: number[];
  startSeq: number[];
  /** Virtual time it ended; NaN while open at the head. */
  end: number[];
  /** seq of the event that ended it; -1 while open. */
  endSeq: number[];
  endKind: (BarEnd | null)[];
  /** When the inference in flight was due to end (infer.started/sliced `until`); NaN if unknown. */
  planned: number[];
}

/** Values recorded per agent over time, looked up at a cursor by binary search. */
class Series<T> {
  readonly seqs: number[] = [];
  readonly values: T[] = [];
  push(seq: number, value: T): void {
    this.seqs.push(seq);
    this.values.push(value);
  }
  /** The last value recorded at or before `seq`. */
  at(seq: number): { seq: number; value: T } | null {
    const i = lastAtOrBefore(this.seqs, seq);
    return i < 0 ? null : { seq: this.seqs[i]!, value: this.values[i]! };
  }
}

/** Index of the last i < n with key(i) ≤ x, for keys ascending in i; -1 if none. */
export function searchLast(n: number, key: (i: number) => number, x: number): number {
  let lo = 0;
  let hi = n - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (key(mid) <= x) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** Index of the last element ≤ x in an ascending array, or -1. */
export function lastAtOrBefore(sorted: readonly number[], x: number): number {
  return searchLast(sorted.length, (i) => sorted[i]!, x);
}

/** A class throttle of one agent (its runtime is spent); `until` −1: not before the run ends. */
export interface Throttle {
  until: number;
  reason: string;
  class: string;
  model: string;
}

/** `until` of a throttle as words: −1 means it lasts. */
export function untilText(until: number): string {
  return until < 0 ? 'the run ends' : formatVt(until);
}

export class Timeline {
  /** seq of the last event read; -1 before any. */
  head = -1;
  readonly rows: GanttRow[] = [];
  /** Agents in order of first appearance (run.started's list first): the colour index. */
  readonly agents: string[] = [];
  readonly bars: Bars = { row: [], agent: [], start: [], startSeq: [], end: [], endSeq: [], endKind: [], planned: [] };
  /** Per row, indices into `bars`, ascending by start. */
  readonly rowBars: number[][] = [];
  readonly markers: Marker[] = [];
  /** seqs of sched.routed events. */
  readonly routed: number[] = [];
  /** Time span of the events read (and of inferences due after the last one). */
  t0 = 0;
  t1 = 0;

  private readonly rowIndex = new Map<string, number>();
  private readonly agentIndex = new Map<string, number>();
  /** Open bar per row and per agent. */
  private readonly openByRow = new Map<number, number>();
  private readonly openByAgent = new Map<string, number>();
  private readonly stats = new Map<string, Series<SchedStats>>();
  private readonly throttles = new Map<string, Series<Throttle>>();
  /** seqs that lift a class throttle: replenishments per class+model, picks per agent. */
  private readonly replenished = new Map<string, number[]>();
  private readonly picks = new Map<string, number[]>();

  /** Reads events up to `head` (inclusive) not read yet. `events[i].seq === i`. */
  advance(events: readonly KernelEvent[], head: number): this {
    const last = Math.min(head, events.length - 1);
    // A windowed run holds only some events (store/runSliceWindow.ts): the rest are holes.
    for (let i = this.head + 1; i <= last; i++) {
      const e = events[i];
      if (e) this.read(e);
    }
    if (last > this.head) this.head = last;
    return this;
  }

  /** The agent's scheduling numbers from the last event at or before `seq` that carried them. */
  statsAt(agent: string, seq: number): { seq: number; value: SchedStats } | null {
    return this.stats.get(agent)?.at(seq) ?? null;
  }

  /** The class throttle holding the agent back at event `seq`: its last one, unless a replenishment or a pick came after. */
  throttleAt(agent: string, seq: number): Throttle | null {
    const hit = this.throttles.get(agent)?.at(seq);
    if (!hit) return null;
    const liftedBy = (seqs: number[] | undefined): boolean => {
      const i = seqs ? lastAtOrBefore(seqs, seq) : -1;
      return i >= 0 && seqs![i]! > hit.seq;
    };
    const th = hit.value;
    return liftedBy(this.replenished.get(`${th.class}\u0000${th.model}`)) || liftedBy(this.picks.get(agent)) ? null : th;
  }

  /** When `agent` took the slot it holds at event `seq` (the start of its bar there), or null. */
  heldSince(model: string, slot: number, agent: string, seq: number): number | null {
    const row = this.rowIndex.get(`${model}\u0000${slot}`);
    const indices = row === undefined ? undefined : this.rowBars[row];
    if (!indices) return null;
    const k = searchLast(indices.length, (j) => this.bars.startSeq[indices[j]!]!, seq);
    const i = indices[k];
    return i !== undefined && this.agents[this.bars.agent[i]!] === agent ? this.bars.start[i]! : null;
  }

  /** The bar the agent holds open at the head (its slot, not yet left), or undefined. */
  openBarOf(agent: string): number | undefined {
    return this.openByAgent.get(agent);
  }

  /** The agent's colour index (its place in `agents`), or -1 if it never appeared. */
  colorOf(agent: string): number {
    return this.agentIndex.get(agent) ?? -1;
  }

  private agentOf(agent: string): number {
    let i = this.agentIndex.get(agent);
    if (i === undefined) {
      i = this.agents.length;
      this.agents.push(agent);
      this.agentIndex.set(agent, i);
    }
    return i;
  }

  private rowOf(model: string, slot: number): number {
    const key = `${model}\u0000${slot}`;
    let i = this.rowIndex.get(key);
    if (i === undefined) {
      i = this.rows.length;
      this.rows.push({ model, slot, label: `${model}[${slot}]` });
      this.rowBars.push([]);
      this.rowIndex.set(key, i);
    }
    return i;
  }

  private record(agent: string, seq: number, stats: SchedStats | undefined): void {
    if (!stats) return;
    let s = this.stats.get(agent);
    if (!s) this.stats.set(agent, (s = new Series()));
    s.push(seq, stats);
  }

  private open(agent: string, row: number, t: number, seq: number): number {
    const b = this.bars;
    const i = b.row.length;
    b.row.push(row);
    b.agent.push(this.agentOf(agent));
    b.start.push(t);
    b.startSeq.push(seq);
    b.end.push(NaN);
    b.endSeq.push(-1);
    b.endKind.push(null);
    b.planned.push(NaN);
    this.rowBars[row]!.push(i);
    this.openByRow.set(row, i);
    this.openByAgent.set(agent, i);
    return i;
  }

  private close(i: number, t: number, seq: number, kind: BarEnd): void {
    const b = this.bars;
    b.end[i] = Math.max(t, b.start[i]!);
    b.endSeq[i] = seq;
    b.endKind[i] = kind;
    if (this.openByRow.get(b.row[i]!) === i) this.openByRow.delete(b.row[i]!);
    const agent = this.agents[b.agent[i]!]!;
    if (this.openByAgent.get(agent) === i) this.openByAgent.delete(agent);
  }

  private closeAgent(agent: string, t: number, seq: number, kind: BarEnd): void {
    const i = this.openByAgent.get(agent);
    if (i !== undefined) this.close(i, t, seq, kind);
  }

  /** The agent's open bar on this slot, opening one (and closing whatever held the slot) if needed. */
  private hold(agent: string, model: string, slot: number, t: number, seq: number): number {
    const row = this.rowOf(model, slot);
    const held = this.openByRow.get(row);
    if (held !== undefined && this.agents[this.bars.agent[held]!] === agent) return held;
    if (held !== undefined) this.close(held, t, seq, 'left');
    this.closeAgent(agent, t, seq, 'left');
    return this.open(agent, row, t, seq);
  }

  private marker(kind: MarkerKind, e: KernelEvent, row: number, agent: string | null, text: string): void {
    this.markers.push({ kind, seq: e.seq, t: e.t, row, agent, text });
  }

  private read(e: KernelEvent): void {
    if (e.seq === 0 || e.t < this.t0) this.t0 = e.seq === 0 ? e.t : Math.min(this.t0, e.t);
    this.t1 = Math.max(this.t1, e.t);
    switch (e.type) {
      case 'run.started':
        for (const a of e.agents) this.agentOf(a);
        for (const [model, info] of Object.entries(e.models as Record<string, unknown>)) {
          // Traces from before budget groups stored a model's slot count as a bare number.
          const slots = typeof info === 'number' ? info : typeof info === 'object' && info !== null && 'slots' in info ? Number(info.slots) : 1;
          for (let s = 0; s < slots; s++) this.rowOf(model, s);
        }
        break;
      case 'sched.enqueued':
        this.record(e.agent, e.seq, e.stats);
        break;
      case 'sched.picked':
        this.hold(e.agent, e.model, e.slot, e.t, e.seq);
        this.record(e.agent, e.seq, e.stats);
        push(this.picks, e.agent, e.seq);
        break;
      case 'sched.replenished':
        if (e.class !== undefined && e.model !== undefined) push(this.replenished, `${e.class}\u0000${e.model}`, e.seq);
        break;
      case 'infer.started':
      case 'infer.sliced': {
        const i = this.hold(e.agent, e.model, e.slot, e.t, e.seq);
        // A real model's generation resumed after a preemption: a new request, by prefix or restarted.
        if (e.type === 'infer.started' && e.resumedBy) {
          const how = e.resumedBy === 'prefix' ? `continues its partial answer (${e.prefixTokens ?? 0} tok prefix)` : 'restarts its answer';
          this.marker('resume', e, this.bars.row[i]!, e.agent, `${e.agent} resumed, part ${e.part ?? 0}: ${how} · ${e.tokensIn} tok re-read`);
        }
        if (Number.isFinite(e.until)) {
          this.bars.planned[i] = e.until;
          this.t1 = Math.max(this.t1, e.until);
        }
        if (e.type === 'infer.sliced') this.record(e.agent, e.seq, e.stats);
        break;
      }
      case 'infer.completed':
        this.closeAgent(e.agent, e.t, e.seq, 'completed');
        break;
      case 'sched.preempted': {
        this.closeAgent(e.agent, e.t, e.seq, 'preempted');
        this.record(e.agent, e.seq, e.stats);
        const by = e.by ? ` by ${e.by}${e.byClass ? ` (${e.byClass})` : ''}` : '';
        const left = e.partial ? `stream aborted, partial of ${e.partial.tokensOut} tok kept` : `${e.remaining ?? '?'} left`;
        this.marker('preempt', e, this.rowOf(e.model, e.slot), e.agent, `${e.agent} preempted${by}: ${e.reason} · ${e.done} done, ${left}`);
        break;
      }
      case 'sched.throttled': {
        const who = e.agent ?? (e.group ? `group ${e.group}` : (e.class ?? 'class'));
        if (e.agent) {
          let s = this.throttles.get(e.agent);
          if (!s) this.throttles.set(e.agent, (s = new Series()));
          s.push(e.seq, { until: e.until, reason: e.reason, class: e.class ?? '', model: e.model ?? '' });
        }
        const running = e.agent !== undefined ? this.openByAgent.get(e.agent) : undefined;
        const row = running !== undefined ? this.bars.row[running]! : LANE;
        this.marker('throttle', e, row, e.agent ?? null, `${who} throttled until ${untilText(e.until)}: ${e.reason}`);
        break;
      }
      case 'sched.refused':
        this.marker('refuse', e, LANE, e.agent, `${e.agent} refused on ${e.model}: ${e.reason} (utilization ${round(e.utilization)} > bound ${round(e.bound)})`);
        break;
      case 'sched.routed':
        this.routed.push(e.seq);
        break;
      case 'infer.failed':
      // A failed model call leaves its slot (it retries later, or its job fails).
      case 'agent.blocked':
      case 'agent.finished':
      case 'job.failed':
        this.closeAgent(e.agent, e.t, e.seq, 'left');
        break;
      case 'run.stopped':
        for (const i of [...this.openByRow.values()]) this.close(i, e.t, e.seq, 'stopped');
        break;
      default:
        break;
    }
  }
}

function push(map: Map<string, number[]>, key: string, seq: number): void {
  const list = map.get(key);
  if (list) list.push(seq);
  else map.set(key, [seq]);
}

function round(n: number): string {
  return Number.isFinite(n) ? String(Math.round(n * 1000) / 1000) : String(n);
}

const cache = new WeakMap<readonly KernelEvent[], Timeline>();

/**
 * The timeline of a trace, read up to `head`. One per events array (a run's projection owns
 * its array and only appends to it), so calling this per batch costs only the new events.
 */
export function timelineFor(events: readonly KernelEvent[], head: number): Timeline {
  let tl = cache.get(events);
  if (!tl) cache.set(events, (tl = new Timeline()));
  return tl.advance(events, head);
}
