/**
 * Which (agent, segment, check) pairs a store's validity checks still have to judge, kept as
 * windows change, so the validity source (validitySource.ts) finds its next verdict without
 * walking every live agent's window at every step. It answers what `nextUnchecked`
 * (memory/validityChecks.ts) answers for the first agent in document order that has one —
 * agents in `s.order`, segments in window order, checks in index order — so verdicts (and trace
 * hashes) are the same.
 *
 * Per agent it keeps the window it last read (windows are frozen, replaced on every change, so
 * a changed one is told by reference) and, per segment of a checked store, the checks without a
 * verdict: `verify` and `judge` are due at once, `stale` is due at a virtual time (a timer heap,
 * read at each step: the clock moves in jumps, the check speaks at the first step at or past
 * it), `contradiction` is due while the segment and a fact of the same window name the subject
 * with a value (a count of such facts per check); with `recheck`, a pair found valid stays open and
 * is due again when the newest such fact is another than the one it agreed with. An agent with a due pair is in `due`, by place
 * in document order. Reading a changed window costs its length, as the event that changed it
 * did (it copied the window); an agent that ends drops its pairs.
 *
 * Derived data only, like the rest of the run index (runIndex.ts calls it): rebuilt from the
 * state on load, start and restore, updated for the agents each event names.
 */
import { namesSubject, storeOf } from '../memory/validityChecks';
import type { Segment } from '../memory/segment';
import type { HarnessSpec, StoreSpec, ValidityCheckSpec } from '../spec';
import type { KernelState, Proc } from '../state/state';
import { RankSet } from './rankSet';
import { TimerHeap } from './timerHeap';

type Contradiction = Extract<ValidityCheckSpec, { kind: 'contradiction' }>;

/** A check of a segment that may judge it now: what the validity source runs next. */
export interface DueCheck {
  /** The agent's place in document order. */
  rank: number;
  seg: Segment;
  store: StoreSpec;
  index: number;
  check: ValidityCheckSpec;
}

/** A segment of a checked store in one window, with its checks that have no verdict yet. */
interface Watched {
  seg: Segment;
  store: StoreSpec;
  /** Per check index: no verdict yet (an index in `seg.checked` is never open). */
  open: boolean[];
  /** Per check index: open and due now. */
  due: boolean[];
  dueCount: number;
  /** Per check index: the key of its staleness timer, or -1. */
  timers: number[];
  /** Per check index (contradiction checks only): the text names the subject with a value. */
  names: boolean[];
  /** Per check index (contradiction with `recheck`, found valid): the fact it agreed with; a newer one makes it due again. */
  agreed: (string | undefined)[];
  stamp: number;
}

/** A fact-tagged segment of a window: which contradiction checks (by probe) it can answer. */
interface Fact {
  text: string;
  names: boolean[];
  stamp: number;
}

/** One agent's view: the window last read, its watched segments and facts, and how many pairs are due. */
interface AgentWatch {
  context: readonly Segment[] | null;
  watched: Map<string, Watched>;
  facts: Map<string, Fact>;
  /** Per probe: facts of the window that name its subject with a value. */
  factCount: number[];
  /** Per probe: the last and the one before last such fact in window order (what a `recheck` check compares with). */
  newest: (string | null)[];
  second: (string | null)[];
  due: number;
}

const cache = new WeakMap<object, ReadonlyMap<string, StoreSpec>>();

/** The document's stores that declare validity checks (cached per document). */
export function storesWithChecks(spec: HarnessSpec): ReadonlyMap<string, StoreSpec> {
  let m = cache.get(spec);
  if (m === undefined) {
    m = new Map(spec.stores.filter((st) => st.validity !== undefined).map((st) => [st.id, st]));
    cache.set(spec, m);
  }
  return m;
}

export class ValidityIndex {
  private checked: ReadonlyMap<string, StoreSpec> = new Map();
  /** Every contradiction check of the checked stores (a probe), and each store's check index -> probe. */
  private probes: Contradiction[] = [];
  private probeOf = new Map<StoreSpec, number[]>();
  private agents: (AgentWatch | undefined)[] = [];
  /** Agents (by place in document order) alive with at least one due pair. */
  private readonly dueAgents = new RankSet();
  /** Stale checks not yet due, keyed by timer key, timed by when their lifetime runs out. */
  private readonly staleTimers = new TimerHeap();
  private readonly timerOf = new Map<number, { rank: number; w: Watched; index: number; lifetimeMs: number }>();
  private nextTimer = 0;
  private stamp = 0;

  /** Checks of these stores are watched (none: the index does nothing). */
  watch(stores: ReadonlyMap<string, StoreSpec>): void {
    this.checked = stores;
    this.probes = [];
    this.probeOf.clear();
    for (const st of stores.values()) {
      this.probeOf.set(st, st.validity!.checks.map((c) => (c.kind === 'contradiction' ? this.probes.push(c) - 1 : -1)));
    }
    this.clear();
  }

  /** The stores whose checks are watched. */
  get stores(): ReadonlyMap<string, StoreSpec> {
    return this.checked;
  }

  clear(): void {
    this.agents = [];
    this.dueAgents.clear();
    this.staleTimers.clear();
    this.timerOf.clear();
  }

  /** Re-reads the agent at `rank` after an event that may have changed it. */
  reclassify(s: Readonly<KernelState>, rank: number, p: Proc): void {
    if (this.checked.size === 0) return;
    let w = this.agents[rank];
    if (p.state === 'done' || p.state === 'failed') {
      // An agent that ended has nothing more judged: its pairs go.
      if (w !== undefined) this.forget(w);
      this.dueAgents.delete(rank);
      return;
    }
    if (w === undefined) {
      w = { context: null, watched: new Map(), facts: new Map(), factCount: this.probes.map(() => 0), newest: this.probes.map(() => null), second: this.probes.map(() => null), due: 0 };
      this.agents[rank] = w;
    }
    if (p.context !== w.context) this.read(w, rank, p.context, s.now);
    this.dueAgents.set(rank, w.due > 0);
  }

  /**
   * The next check to run, as the old scan found it: the first agent in document order with a
   * due pair, its first such segment in window order, that segment's lowest due check; or null.
   * `proc` gives the agent at a place in document order.
   */
  next(now: number, proc: (rank: number) => Proc): DueCheck | null {
    if (this.checked.size === 0) return null;
    this.ripen(now);
    for (let r = this.dueAgents.next(0); r >= 0; r = this.dueAgents.next(r + 1)) {
      const w = this.agents[r]!;
      for (const seg of proc(r).context) {
        const x = w.watched.get(seg.id);
        if (x === undefined || x.dueCount === 0) continue;
        const index = x.due.indexOf(true);
        return { rank: r, seg, store: x.store, index, check: x.store.validity!.checks[index]! };
      }
    }
    return null;
  }

  /** Each agent's open pairs and which are due at `now`, one line per agent (for tests: kept vs rebuilt). */
  describe(now: number): string {
    this.ripen(now);
    const out: string[] = [];
    this.agents.forEach((w, rank) => {
      if (w === undefined || w.context === null) return;
      const pairs: string[] = [];
      for (const seg of w.context) {
        const x = w.watched.get(seg.id);
        if (x === undefined) continue;
        x.open.forEach((open, i) => {
          if (open) pairs.push(`${seg.id}/${i}${x.due[i] ? '!' : ''}`);
        });
      }
      out.push(`${rank}${this.dueAgents.has(rank) ? '!' : ''}:${pairs.join(' ')}`);
    });
    return out.join(', ');
  }

  /** Stale checks whose lifetime ran out by `now` become due. */
  private ripen(now: number): void {
    if (this.staleTimers.size === 0) return;
    const ripe: number[] = [];
    this.staleTimers.forEachUpTo(now, (key) => {
      const t = this.timerOf.get(key)!;
      // The exact test the scan made (seg.t + lifetime may round below it).
      if (now - t.w.seg.t >= t.lifetimeMs) ripe.push(key);
    });
    for (const key of ripe) {
      const t = this.timerOf.get(key)!;
      this.dropTimer(t.w, t.index);
      this.setDue(this.agents[t.rank]!, t.w, t.index, true);
      this.dueAgents.add(t.rank);
    }
  }

  /** Reads a changed window: segments that entered, changed or left, and the facts it holds. */
  private read(w: AgentWatch, rank: number, context: readonly Segment[], now: number): void {
    const stamp = ++this.stamp;
    let factsChanged = false;
    const touched: Watched[] = [];
    const newest = this.probes.map((): string | null => null);
    const second = this.probes.map((): string | null => null);
    for (const seg of context) {
      if (seg.fact && this.probes.length > 0) {
        let f = w.facts.get(seg.id);
        if (f === undefined || f.text !== seg.text) {
          if (f !== undefined) this.countFact(w, f, -1);
          f = { text: seg.text, names: this.probes.map((c) => namesSubject(seg.text, c)), stamp };
          w.facts.set(seg.id, f);
          this.countFact(w, f, 1);
          factsChanged = true;
        } else f.stamp = stamp;
        for (let pr = 0; pr < f.names.length; pr++) {
          if (!f.names[pr]) continue;
          second[pr] = newest[pr] ?? null;
          newest[pr] = seg.id;
        }
      }
      if (!seg.source.startsWith('archive:')) continue;
      const id = storeOf(seg);
      const store = id === null ? undefined : this.checked.get(id);
      if (store === undefined) continue;
      const x = w.watched.get(seg.id);
      if (x === undefined) {
        const entered = this.enter(w, rank, seg, store, now, stamp);
        w.watched.set(seg.id, entered);
        touched.push(entered);
      } else {
        if (x.seg !== seg && this.change(w, rank, x, seg, now)) touched.push(x);
        x.stamp = stamp;
      }
    }
    for (const [id, f] of w.facts) {
      if (f.stamp === stamp) continue;
      this.countFact(w, f, -1);
      w.facts.delete(id);
      factsChanged = true;
    }
    for (const [id, x] of w.watched) {
      if (x.stamp === stamp) continue;
      this.closeChecks(w, x);
      w.watched.delete(id);
    }
    w.context = context;
    // (The newest facts change only with the facts themselves: factsChanged covers them.)
    w.newest = newest;
    w.second = second;
    // Whether a contradiction may speak depends on the window's facts: when they changed, every open one is weighed again.
    if (this.probes.length === 0) return;
    for (const x of factsChanged ? w.watched.values() : touched) this.weighContradictions(w, x);
  }

  /** A segment of a checked store entered the window: its checks without a verdict are open. */
  private enter(w: AgentWatch, rank: number, seg: Segment, store: StoreSpec, now: number, stamp: number): Watched {
    const n = store.validity!.checks.length;
    const probes = this.probeOf.get(store)!;
    const x: Watched = {
      seg, store, open: new Array<boolean>(n).fill(false), due: new Array<boolean>(n).fill(false), dueCount: 0,
      timers: new Array<number>(n).fill(-1), names: probes.map((pr) => pr >= 0 && namesSubject(seg.text, this.probes[pr]!)),
      agreed: new Array<string | undefined>(n).fill(undefined), stamp,
    };
    this.openChecks(w, rank, x, now);
    return x;
  }

  /** The same segment, replaced (read by a turn, judged by a check, edited by a person); true when its checks are to be weighed again. */
  private change(w: AgentWatch, rank: number, x: Watched, seg: Segment, now: number): boolean {
    const old = x.seg;
    x.seg = seg;
    let again = false;
    if (seg.text !== old.text || seg.fact !== old.fact) {
      const probes = this.probeOf.get(x.store)!;
      x.names = probes.map((pr) => pr >= 0 && namesSubject(seg.text, this.probes[pr]!));
      again = true;
    }
    if (seg.checked !== old.checked || seg.t !== old.t || seg.agreed !== old.agreed) {
      this.closeChecks(w, x);
      this.openChecks(w, rank, x, now);
      again = true;
    }
    return again;
  }

  /**
   * Opens the segment's checks without a verdict: verify and judge due now, stale on its timer,
   * contradiction weighed later; and a `recheck` contradiction that found it valid (weighed later too).
   */
  private openChecks(w: AgentWatch, rank: number, x: Watched, now: number): void {
    const checks = x.store.validity!.checks;
    const done = x.seg.checked ?? [];
    for (let i = 0; i < checks.length; i++) {
      const c = checks[i]!;
      x.agreed[i] = undefined;
      if (done.includes(i)) {
        const agreed = c.kind === 'contradiction' && c.recheck ? x.seg.agreed?.find((a) => a.index === i) : undefined;
        if (agreed === undefined) continue;
        x.agreed[i] = agreed.fact;
      }
      x.open[i] = true;
      if (c.kind === 'stale') {
        if (now - x.seg.t >= c.lifetimeMs) this.setDue(w, x, i, true);
        else {
          const key = this.nextTimer++;
          x.timers[i] = key;
          this.timerOf.set(key, { rank, w: x, index: i, lifetimeMs: c.lifetimeMs });
          this.staleTimers.set(key, x.seg.t + c.lifetimeMs);
        }
      } else if (c.kind !== 'contradiction') this.setDue(w, x, i, true);
    }
  }

  /** Closes every open check of the segment (it left, or its verdicts are read again). */
  private closeChecks(w: AgentWatch, x: Watched): void {
    for (let i = 0; i < x.open.length; i++) {
      if (!x.open[i]) continue;
      x.open[i] = false;
      this.setDue(w, x, i, false);
      this.dropTimer(x, i);
    }
  }

  private dropTimer(x: Watched, i: number): void {
    const key = x.timers[i]!;
    if (key < 0) return;
    x.timers[i] = -1;
    this.timerOf.delete(key);
    this.staleTimers.delete(key);
  }

  /** Contradiction checks are due while the segment and another fact of the window name the subject with a value. */
  private weighContradictions(w: AgentWatch, x: Watched): void {
    const probes = this.probeOf.get(x.store)!;
    for (let i = 0; i < probes.length; i++) {
      const pr = probes[i]!;
      if (pr < 0 || !x.open[i]) continue;
      const agreed = x.agreed[i];
      if (agreed !== undefined) {
        // Found valid with recheck: due once the newest other fact naming the subject is not the one it agreed with.
        const other = w.newest[pr] === x.seg.id ? w.second[pr] : w.newest[pr];
        this.setDue(w, x, i, x.names[i] === true && other !== null && other !== agreed);
        continue;
      }
      // A fact-tagged segment of the store is not compared with itself.
      const own = x.seg.fact && w.facts.get(x.seg.id)?.names[pr] === true ? 1 : 0;
      this.setDue(w, x, i, x.names[i] === true && w.factCount[pr]! - own > 0);
    }
  }

  private countFact(w: AgentWatch, f: Fact, by: 1 | -1): void {
    for (let pr = 0; pr < f.names.length; pr++) if (f.names[pr]) w.factCount[pr]! += by;
  }

  private setDue(w: AgentWatch, x: Watched, i: number, due: boolean): void {
    if (x.due[i] === due) return;
    x.due[i] = due;
    x.dueCount += due ? 1 : -1;
    w.due += due ? 1 : -1;
  }

  /** Drops an ended agent's pairs and timers. */
  private forget(w: AgentWatch): void {
    for (const x of w.watched.values()) this.closeChecks(w, x);
    w.watched.clear();
    w.facts.clear();
    w.factCount.fill(0);
    w.newest.fill(null);
    w.second.fill(null);
    w.context = null;
    w.due = 0;
  }
}
