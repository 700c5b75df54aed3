/**
 * The run loop's indexes over the state, so deciding one event costs O(log agents) instead of
 * several scans of every agent: for each question an event source asks ("the first agent in
 * document order that is acting", "… whose tool call waits for a decision", "… that a message
 * can wake"), a set of agents' places in document order; agents' slice ends, tool returns and
 * retries, handles' lease terms and messages' deliveries in heaps keyed by time.
 *
 * Derived data only, never in the state or a snapshot: RunContext rebuilds it whenever it takes
 * a new state (load, run.started) and updates it after each event for the agents, handles and
 * messages the event names (an event that names no agent re-reads them all). The sources ask
 * it the same questions in the same order as their scans did, so decisions (and trace hashes)
 * are the same; `problems` compares it with one built afresh, for tests.
 */
import type { KernelState, Message, Proc } from '../state/state';
import type { KernelEvent, KernelEventBody } from '../trace/events';
import type { Handle } from '../trust/types';
import { pressureLevel } from '../memory/memoryManager';
import { endedLease } from '../trust/handles';
import { RankSet } from './rankSet';
import { TimerHeap } from './timerHeap';
import { ValidityIndex } from './validityIndex';
import { DelegationIndex } from './delegationIndex';

/** What an agent waits for on the clock: its slice to end, its tool to return, its retry to be due. */
export type ProcTimer = 'slice' | 'tool' | 'retry';

/** Events that change agents other than the ones their fields name: every agent is re-read. */
const TOUCHES_OTHERS = new Set<string>(['audit.rolledback']);

/** Fields of an event that may name an agent it changes (besides `agent`). */
const AGENT_FIELDS = ['to', 'from', 'client', 'server', 'child', 'parent'] as const;

/** A budget group's `sched.throttled` / `sched.replenished` (no agent, class or model): it changes no agent's record. */
function groupOnly(e: KernelEvent): boolean {
  return (e.type === 'sched.throttled' || e.type === 'sched.replenished') && e.group !== undefined && e.agent === undefined && e.class === undefined && e.model === undefined;
}

/** When a failed call's retry is offered to the clock (max(now, this)), or null: only while the agent waits ready to be enqueued again. */
export function retryAt(p: Proc): number | null {
  const at = p.retry?.at;
  return at === null || at === undefined || p.state !== 'ready' || !p.needsEnqueue ? null : at;
}

export class RunIndex {
  /** Agent ids in document order (the state's `order`) and each one's place in it. */
  private ids: string[] = [];
  private readonly rankOf = new Map<string, number>();
  /** acting with an action pending (source `act`). */
  readonly acting = new RankSet();
  /** in a system call not yet decided nor asked (`syscall-decide`). */
  readonly undecided = new RankSet();
  /** not running nor finished, with a pressure level to announce or at 'compact' (`memory`). */
  readonly memory = new RankSet();
  /** blocked with a message in its inbox that wakes it (`wake`). */
  readonly wakeable = new RankSet();
  /** running at a slice boundary (`slice-boundary`). */
  readonly atBoundary = new RankSet();
  /** ready and not in a runqueue (`enqueue`). */
  readonly toEnqueue = new RankSet();
  /** running, picked, its request not sent yet (`start-inference`). */
  readonly picked = new RankSet();
  /** neither done nor failed (`all-finished`). */
  readonly alive = new RankSet();
  /** Each agent's clock offer: what it waits for, and when (by place in document order). */
  private timerKind: (ProcTimer | null)[] = [];
  readonly procTimers = new TimerHeap();

  /** Handle ids in issue order (the order of the state's `handles` table) and each one's place. */
  private handleIds: string[] = [];
  private readonly handleRank = new Map<string, number>();
  private readonly handlesOf = new Map<string, number[]>();
  /** Open job-scoped handles whose holder finished. */
  readonly jobEnded = new RankSet();
  /** Open handles with a term, keyed by the term's end. */
  readonly leaseTerms = new TimerHeap();

  /** (agent, segment, check) pairs the stores' validity checks still have to judge (`validity`). */
  readonly validity = new ValidityIndex();

  /** Budget groups to throttle or stop on, spawn records to kill or exit, handles to end (`budget-*`, `delegation`). */
  readonly delegation = new DelegationIndex();

  /** Messages in flight, keyed by the order they were sent in, timed by delivery. */
  readonly deliveries = new TimerHeap();
  private readonly msgKey = new Map<string, number>();
  private readonly msgAt = new Map<number, Message>();
  private nextMsgKey = 0;

  /** Re-reads the whole state (a new state: loaded, started, or restored from a snapshot). */
  rebuild(s: Readonly<KernelState>): void {
    this.ids = [];
    this.rankOf.clear();
    for (const set of this.sets()) set.clear();
    this.timerKind = [];
    this.procTimers.clear();
    this.handleIds = [];
    this.handleRank.clear();
    this.handlesOf.clear();
    this.jobEnded.clear();
    this.leaseTerms.clear();
    this.validity.clear();
    this.delegation.clear();
    // Groups and spawn records take their places in table order before the agents name them.
    this.delegation.rebuild(s);
    this.syncOrder(s);
    for (const id of Object.keys(s.handles)) this.addHandle(s, id);
    this.rebuildInflight(s);
  }

  /** Brings the indexes in step with the state right after `e` was applied to it. */
  afterEvent(s: Readonly<KernelState>, e: KernelEvent): void {
    if (s.order.length !== this.ids.length) this.syncOrder(s);
    const agent = (e as { agent?: unknown }).agent;
    if (groupOnly(e)) {
      // A budget group's throttle set or lifted changes that group only (reduceSched.ts): the delegation index re-reads it below.
    } else if (typeof agent !== 'string' || TOUCHES_OTHERS.has(e.type)) {
      for (const id of this.ids) this.reclassify(s, id);
    } else {
      this.reclassify(s, agent);
      const named = e as unknown as Record<string, unknown>;
      for (const field of AGENT_FIELDS) {
        const other = named[field];
        if (typeof other === 'string' && other !== agent) this.reclassify(s, other);
      }
    }
    if (e.type === 'cap.granted') for (const h of e.handles) this.addHandle(s, h.id);
    else if (e.type === 'cap.promoted') this.addHandle(s, e.handle.id);
    else if (e.type === 'cap.expired' || e.type === 'cap.released') this.classifyHandle(s, e.handle);
    else if (e.type === 'agent.spawned') for (const g of e.caps.granted) this.classifyHandle(s, g.from);
    this.delegation.afterEvent(s, e);
    if (e.type === 'msg.sent' && s.inflight.length === this.msgKey.size + 1) this.addMessage(s.inflight[s.inflight.length - 1]!);
    else if (e.type === 'msg.delivered' || e.type === 'remote.replied') this.dropMessage(e.msgId);
    if (s.inflight.length !== this.msgKey.size) this.rebuildInflight(s);
  }

  /** The agent at place `rank` in document order. */
  proc(s: Readonly<KernelState>, rank: number): Proc {
    return s.procs[this.ids[rank]!]!;
  }

  /** Number of agents in the process table. */
  get agents(): number {
    return this.ids.length;
  }

  /** What the agent at `rank` waits for on the clock. */
  timerOf(rank: number): ProcTimer | null {
    return this.timerKind[rank] ?? null;
  }

  /**
   * The agents' earliest clock offer as the clock weighs it: (time, place) smallest, where a
   * retry already due counts as now (the scan offered max(now, at)).
   */
  nextProcTimer(now: number): { rank: number; t: number } | null {
    let best: { rank: number; t: number } | null = null;
    // Entries at or before now (a retry due counts as now): the fewest, weighed one by one.
    this.procTimers.forEachUpTo(now, (rank, at) => {
      const t = this.timerKind[rank] === 'retry' ? Math.max(now, at) : at;
      if (!best || t < best.t || (t === best.t && rank < best.rank)) best = { rank, t };
    });
    if (best) return best;
    const rank = this.procTimers.peek();
    return rank < 0 ? null : { rank, t: this.procTimers.timeOf(rank)! };
  }

  /** The first handle (in issue order) whose lease ended, as its `cap.expired`, or null (what endedLease finds). */
  endedLease(s: Readonly<KernelState>): KernelEventBody | null {
    const job = this.jobEnded.next(0);
    const term = this.leaseTerms.smallestIdUpTo(s.now);
    const rank = job < 0 ? term : term < 0 ? job : Math.min(job, term);
    if (rank < 0) return null;
    const h = s.handles[this.handleIds[rank]!]!;
    return endedLease({ handles: { [h.id]: h }, procs: s.procs, now: s.now });
  }

  /** The open handle whose term ends first as the clock weighs it ((max(now, end), place) smallest), or null. */
  nextLeaseTerm(s: Readonly<KernelState>): { id: string; rank: number; t: number } | null {
    let rank = this.leaseTerms.smallestIdUpTo(s.now);
    let t = s.now;
    if (rank < 0) {
      rank = this.leaseTerms.peek();
      if (rank < 0) return null;
      t = this.leaseTerms.timeOf(rank)!;
    }
    return { id: this.handleIds[rank]!, rank, t };
  }

  /** The agent's handles in issue order (those of the state's `handles` table it holds). */
  handlesOfAgent(s: Readonly<KernelState>, agent: string): Handle[] {
    const out: Handle[] = [];
    for (const rank of this.handlesOf.get(agent) ?? []) {
      const h = s.handles[this.handleIds[rank]!];
      if (h && h.agent === agent) out.push(h);
    }
    return out;
  }

  /** The first message in flight (in the order sent) due at `now`, or null. */
  dueMessage(now: number): Message | null {
    const key = this.deliveries.smallestIdUpTo(now);
    return key < 0 ? null : this.msgAt.get(key)!;
  }

  /** The message in flight delivered first ((deliverAt, order sent) smallest), or null. */
  nextDelivery(): Message | null {
    const key = this.deliveries.peek();
    return key < 0 ? null : this.msgAt.get(key)!;
  }

  /**
   * What differs between these indexes and ones built afresh from `s` (empty: in step).
   * For tests: every event of every example is checked this way.
   */
  problems(s: Readonly<KernelState>): string[] {
    const fresh = new RunIndex();
    fresh.validity.watch(this.validity.stores);
    fresh.rebuild(s);
    const mine: Record<string, string> = { ...this.describe(), validity: this.validity.describe(s.now) };
    const theirs: Record<string, string> = { ...fresh.describe(), validity: fresh.validity.describe(s.now) };
    const out: string[] = [];
    for (const key of Object.keys(theirs)) if (mine[key] !== theirs[key]) out.push(`${key}: ${mine[key]} (kept) vs ${theirs[key]} (fresh)`);
    return out;
  }

  private describe(): Record<string, string> {
    const names = ['acting', 'undecided', 'memory', 'wakeable', 'atBoundary', 'toEnqueue', 'picked', 'alive', 'jobEnded'] as const;
    const out: Record<string, string> = { ids: this.ids.join(','), handles: this.handleIds.join(',') };
    for (const name of names) {
      const members: number[] = [];
      for (let r = this[name].next(0); r >= 0; r = this[name].next(r + 1)) members.push(r);
      out[name] = `${members.join(',')} (${this[name].size})`;
    }
    out.timers = this.ids.map((_, r) => `${this.timerKind[r] ?? '-'}@${this.procTimers.timeOf(r) ?? '-'}`).join(',');
    out.handlesOf = [...this.handlesOf].map(([agent, ranks]) => `${agent}:${ranks.join('/')}`).sort().join(',');
    out.terms = this.handleIds.map((_, r) => `${this.leaseTerms.timeOf(r) ?? '-'}`).join(',');
    Object.assign(out, this.delegation.describe());
    const keys = [...this.msgAt.keys()].sort((a, b) => a - b);
    out.inflight = keys.map((k) => `${this.msgAt.get(k)!.msgId}@${this.deliveries.timeOf(k)}`).join(',');
    return out;
  }

  private sets(): RankSet[] {
    return [this.acting, this.undecided, this.memory, this.wakeable, this.atBoundary, this.toEnqueue, this.picked, this.alive];
  }

  /** Takes in agents added to the process table (in document order) and re-reads them. */
  private syncOrder(s: Readonly<KernelState>): void {
    for (let r = this.ids.length; r < s.order.length; r++) {
      const id = s.order[r]!;
      this.ids.push(id);
      this.rankOf.set(id, r);
      this.reclassify(s, id);
    }
  }

  /** Re-reads one agent: which sources it matters to, and its clock offer; then its handles. */
  private reclassify(s: Readonly<KernelState>, id: string): void {
    const rank = this.rankOf.get(id);
    if (rank === undefined) return;
    const p = s.procs[id]!;
    const st = p.state;
    this.acting.set(rank, st === 'acting' && !!p.pending);
    this.undecided.set(rank, st === 'syscall' && !!p.call && !p.call.decided && !p.call.asked);
    if (st === 'running' || st === 'done' || st === 'failed') this.memory.delete(rank);
    else {
      const level = pressureLevel(p);
      this.memory.set(rank, level !== p.pressure || level === 'compact');
    }
    this.wakeable.set(rank, st === 'blocked' && p.inbox.some((x) => p.waiting?.from === undefined || x.from === p.waiting.from));
    this.atBoundary.set(rank, st === 'running' && (p.slotPhase === 'boundary' || p.slotPhase === 'throttle-noted'));
    this.toEnqueue.set(rank, st === 'ready' && p.needsEnqueue);
    this.picked.set(rank, st === 'running' && p.slotPhase === 'picked');
    this.alive.set(rank, st !== 'done' && st !== 'failed');
    this.validity.reclassify(s, rank, p);
    this.delegation.procChanged(s, p);
    // At most one offer an agent: the three need different states.
    let kind: ProcTimer | null = null;
    let at = 0;
    if (st === 'running' && p.slotPhase === 'slicing' && p.gen) {
      kind = 'slice';
      at = p.until;
    } else if (st === 'syscall' && p.call?.decided) {
      kind = 'tool';
      at = p.call.until;
    } else {
      const retry = retryAt(p);
      if (retry !== null) {
        kind = 'retry';
        at = retry;
      }
    }
    this.timerKind[rank] = kind;
    if (kind === null) this.procTimers.delete(rank);
    else this.procTimers.set(rank, at);
    const handles = this.handlesOf.get(id);
    if (handles) for (const h of handles) this.classifyHandleAt(s, h);
  }

  private addHandle(s: Readonly<KernelState>, id: string): void {
    let rank = this.handleRank.get(id);
    if (rank === undefined) {
      rank = this.handleIds.length;
      this.handleIds.push(id);
      this.handleRank.set(id, rank);
      const agent = s.handles[id]!.agent;
      const list = this.handlesOf.get(agent);
      if (list) list.push(rank);
      else this.handlesOf.set(agent, [rank]);
    }
    this.classifyHandleAt(s, rank);
  }

  private classifyHandle(s: Readonly<KernelState>, id: string): void {
    const rank = this.handleRank.get(id);
    if (rank !== undefined) this.classifyHandleAt(s, rank);
  }

  private classifyHandleAt(s: Readonly<KernelState>, rank: number): void {
    const h = s.handles[this.handleIds[rank]!];
    const open = !!h && h.ended === null;
    const holder = h ? s.procs[h.agent] : undefined;
    this.jobEnded.set(rank, open && h.lease === 'job' && !!holder && (holder.state === 'done' || holder.state === 'failed'));
    if (open && h.expiresAt !== null) this.leaseTerms.set(rank, h.expiresAt);
    else this.leaseTerms.delete(rank);
    this.delegation.handleChanged(s, rank, this.handleIds[rank]!);
  }

  private addMessage(m: Message): void {
    const key = this.nextMsgKey++;
    this.msgKey.set(m.msgId, key);
    this.msgAt.set(key, m);
    this.deliveries.set(key, m.deliverAt);
  }

  private dropMessage(msgId: string): void {
    const key = this.msgKey.get(msgId);
    if (key === undefined) return;
    this.msgKey.delete(msgId);
    this.msgAt.delete(key);
    this.deliveries.delete(key);
  }

  private rebuildInflight(s: Readonly<KernelState>): void {
    this.msgKey.clear();
    this.msgAt.clear();
    this.deliveries.clear();
    for (const m of s.inflight) this.addMessage(m);
  }
}
