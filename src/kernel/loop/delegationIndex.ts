/**
 * What the budget and delegation sources ask, kept up to date instead of scanned for at every
 * step: the budget groups spent and not throttled yet (`budget-throttle`), the root groups spent
 * for good (`budget-stop`), the spawn records whose sub-agent is to be killed or to exit, and
 * the open handles to end (`delegation`, spawnSources.ts); and when throttled groups refill
 * (the clock, advance.ts), in a TimerHeap. Each is a RankSet over the record's
 * place in its state table (insertion order, the order `Object.values` gave the scans), so the
 * first member is the record the scan found first.
 *
 * A record is re-read when something it depends on may have changed: a group when an agent in
 * it or below it changes (a charge goes up the group chain; a carve's use counts in its spawner's
 * group), when an event names it, or when a carve is made or returned; a spawn record when its
 * child or spawner changes or its carve's group is re-read; a handle when it is replaced, when
 * the handle it was narrowed from is re-read, or when one of its holders changes. Derived data
 * inside RunIndex (runIndex.ts): rebuilt from the state, compared with a fresh build by `describe`.
 */
import { FOREVER } from '../sched/core';
import { groupSpent, spentForGood } from '../sched/spawnBudget';
import type { GroupState, KernelState, Proc, SpawnRecord } from '../state/state';
import type { KernelEvent } from '../trace/events';
import type { Handle } from '../trust/types';
import { RankSet } from './rankSet';
import { TimerHeap } from './timerHeap';

const ended = (p: Proc | undefined): boolean => p === undefined || p.state === 'done' || p.state === 'failed';

/** How deep a group chain is followed (as reduceHelpers.groupChain). */
const MAX_CHAIN = 64;

/** A spawn record's sub-agent to kill (its spawner ended first), and the record to exit (its child ended, or its carve is spent for good). */
function toKill(s: Readonly<KernelState>, r: SpawnRecord): boolean {
  if (r.exited || r.detach) return false;
  const child = s.procs[r.child];
  return !!child && !ended(child) && ended(s.procs[r.parent]);
}

function toExit(s: Readonly<KernelState>, r: SpawnRecord): boolean {
  if (r.exited) return false;
  const child = s.procs[r.child];
  if (!child) return false;
  if (ended(child)) return true;
  const g = r.group === null ? undefined : s.groups[r.group];
  // Off its slot (a budget preemption) and with no call in flight: nothing is left half done.
  return !!g && spentForGood(g) && child.slot < 0 && child.call === null;
}

/** An open handle whose source handle ended, or one of whose holders ended. */
function toEnd(s: Readonly<KernelState>, h: Handle): boolean {
  if (h.ended !== null) return false;
  if (h.from !== undefined) {
    const src = s.handles[h.from];
    if (src && src.ended !== null) return true;
  }
  return h.refs !== undefined && h.refs.some((a) => ended(s.procs[a]));
}

function pushTo<K>(map: Map<K, number[]>, key: K, rank: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [rank]);
  else list.push(rank);
}

export class DelegationIndex {
  /** Group ids in the order of the state's `groups` table, and each one's place. */
  private groupIds: string[] = [];
  private readonly groupRank = new Map<string, number>();
  /** Groups spent and not throttled yet (`budget-throttle`). */
  readonly toThrottle = new RankSet();
  /** Root groups spent for good (`budget-stop`). */
  readonly spentRoots = new RankSet();
  /** Throttled groups that a period refills, keyed by when (`advance-clock`). */
  readonly refills = new TimerHeap();

  /** Spawn records (keyed by child) in the order of the state's `spawns` table, and each one's place. */
  private spawnIds: string[] = [];
  private readonly spawnRank = new Map<string, number>();
  private readonly spawnsOfParent = new Map<string, number[]>();
  private readonly spawnsOfGroup = new Map<string, number[]>();
  /** Records whose live, attached child outlived its spawner. */
  readonly toKill = new RankSet();
  /** Records whose child ended, or whose carve is spent for good with the child off its slot and call. */
  readonly toExit = new RankSet();

  /** Handle ids by place in issue order (RunIndex's places), handles narrowed from each handle, handles each agent holds a durable reference to. */
  private handleIds: string[] = [];
  private readonly derived = new Map<string, number[]>();
  private readonly refsOf = new Map<string, Set<number>>();
  /** Handles seen ended (a change of it re-reads the handles narrowed from it). */
  private readonly endedHandles = new RankSet();
  /** Open handles whose source ended or one of whose holders ended. */
  readonly toEnd = new RankSet();

  clear(): void {
    this.groupIds = [];
    this.groupRank.clear();
    this.toThrottle.clear();
    this.spentRoots.clear();
    this.refills.clear();
    this.spawnIds = [];
    this.spawnRank.clear();
    this.spawnsOfParent.clear();
    this.spawnsOfGroup.clear();
    this.toKill.clear();
    this.toExit.clear();
    this.handleIds = [];
    this.derived.clear();
    this.refsOf.clear();
    this.endedHandles.clear();
    this.toEnd.clear();
  }

  /** Takes in the state's groups and spawn records (after `clear`; the agents and handles are told by RunIndex). */
  rebuild(s: Readonly<KernelState>): void {
    for (const id of Object.keys(s.groups)) this.classifyGroup(s, id);
    if (s.spawns !== undefined) for (const id of Object.keys(s.spawns)) this.classifySpawn(s, id);
  }

  /** The first group spent and not throttled yet, in table order. */
  groupToThrottle(s: Readonly<KernelState>): GroupState | undefined {
    const r = this.toThrottle.next(0);
    return r < 0 ? undefined : s.groups[this.groupIds[r]!];
  }

  /** The first root group spent for good, in table order. */
  spentRoot(s: Readonly<KernelState>): GroupState | undefined {
    const r = this.spentRoots.next(0);
    return r < 0 ? undefined : s.groups[this.groupIds[r]!];
  }

  /** The throttled group that refills first as the clock weighs it ((max(now, until), place) smallest), or null. */
  nextRefill(s: Readonly<KernelState>): { g: GroupState; rank: number; t: number } | null {
    let rank = this.refills.smallestIdUpTo(s.now);
    let t = s.now;
    if (rank < 0) {
      rank = this.refills.peek();
      if (rank < 0) return null;
      t = this.refills.timeOf(rank)!;
    }
    return { g: s.groups[this.groupIds[rank]!]!, rank, t };
  }

  /** The first spawn record whose child is to be killed, else the first whose child is to exit (the two scans in order). */
  nextSpawn(s: Readonly<KernelState>): { kill: boolean; r: SpawnRecord } | undefined {
    if (s.spawns === undefined) return undefined;
    const k = this.toKill.next(0);
    if (k >= 0) return { kill: true, r: s.spawns[this.spawnIds[k]!]! };
    const x = this.toExit.next(0);
    return x < 0 ? undefined : { kill: false, r: s.spawns[this.spawnIds[x]!]! };
  }

  /** The first open handle (in issue order) to end, or undefined. */
  handleToEnd(s: Readonly<KernelState>): Handle | undefined {
    const r = this.toEnd.next(0);
    return r < 0 ? undefined : s.handles[this.handleIds[r]!];
  }

  /** After `e` was applied: the groups and spawn records it names (the agents it names are told through `procChanged`). */
  afterEvent(s: Readonly<KernelState>, e: KernelEvent): void {
    if (e.type === 'sched.throttled' || e.type === 'sched.replenished') {
      if (e.group !== undefined) {
        // Its period rolled on a refill: a carve's use counts in the group it was carved from.
        const from = s.groups[e.group]?.carvedFrom;
        this.classifyGroup(s, e.group);
        if (from !== undefined) this.classifyGroup(s, from);
      }
    } else if (e.type === 'agent.spawned') {
      const b = e.budget;
      if (b.group !== null) this.classifyGroup(s, b.group);
      if (b.from !== null) this.classifyGroup(s, b.from);
      this.classifySpawn(s, e.child);
    } else if (e.type === 'spawn.exited') {
      if (e.group !== null) {
        const from = s.groups[e.group]?.carvedFrom;
        this.classifyGroup(s, e.group);
        if (from !== undefined) this.classifyGroup(s, from);
      }
      this.classifySpawn(s, e.agent);
    }
  }

  /** Agent `id` may have changed: its spawn records as child and spawner, the handles it holds a reference to, its group chain. */
  procChanged(s: Readonly<KernelState>, p: Proc): void {
    if (s.spawns !== undefined) {
      if (s.spawns[p.id] !== undefined) this.classifySpawn(s, p.id);
      const mine = this.spawnsOfParent.get(p.id);
      if (mine) for (const r of mine) this.classifySpawnAt(s, r);
    }
    const refs = this.refsOf.get(p.id);
    if (refs) for (const r of refs) this.classifyHandleAt(s, r);
    let n = 0;
    for (let g = p.group === null ? undefined : s.groups[p.group]; g && n < MAX_CHAIN; g = g.parent === null ? undefined : s.groups[g.parent], n++) {
      this.classifyGroup(s, g.id);
    }
  }

  /** The handle at `rank` (issue order) is new or may have changed; the handles narrowed from it are re-read too. */
  handleChanged(s: Readonly<KernelState>, rank: number, id: string): void {
    const h = s.handles[id];
    if (this.handleIds[rank] === undefined) {
      this.handleIds[rank] = id;
      if (h?.from !== undefined) pushTo(this.derived, h.from, rank);
    }
    if (h?.refs !== undefined) {
      for (const a of h.refs) {
        const set = this.refsOf.get(a);
        if (set === undefined) this.refsOf.set(a, new Set([rank]));
        else set.add(rank);
      }
    }
    this.classifyHandleAt(s, rank);
    const isEnded = !!h && h.ended !== null;
    if (isEnded === this.endedHandles.has(rank)) return;
    this.endedHandles.set(rank, isEnded);
    const narrowed = this.derived.get(id);
    if (narrowed) for (const r of narrowed) this.classifyHandleAt(s, r);
  }

  /** The sets and places, for comparison with a fresh build (RunIndex.problems). */
  describe(): Record<string, string> {
    const members = (set: RankSet): string => {
      const out: number[] = [];
      for (let r = set.next(0); r >= 0; r = set.next(r + 1)) out.push(r);
      return `${out.join(',')} (${set.size})`;
    };
    return {
      groups: this.groupIds.join(','), toThrottle: members(this.toThrottle), spentRoots: members(this.spentRoots),
      refills: this.groupIds.map((_, r) => `${this.refills.timeOf(r) ?? '-'}`).join(','),
      spawns: this.spawnIds.join(','), toKill: members(this.toKill), toExit: members(this.toExit), toEnd: members(this.toEnd),
    };
  }

  private classifyGroup(s: Readonly<KernelState>, id: string): void {
    const g = s.groups[id];
    let rank = this.groupRank.get(id);
    if (rank === undefined) {
      if (g === undefined) return;
      rank = this.groupIds.length;
      this.groupIds.push(id);
      this.groupRank.set(id, rank);
    }
    this.toThrottle.set(rank, !!g && g.throttledUntil === null && groupSpent(s.groups, g));
    this.spentRoots.set(rank, !!g && g.parent === null && spentForGood(g));
    if (g && g.throttledUntil !== null && g.throttledUntil !== FOREVER) this.refills.set(rank, g.throttledUntil);
    else this.refills.delete(rank);
    const spawns = this.spawnsOfGroup.get(id);
    if (spawns) for (const r of spawns) this.classifySpawnAt(s, r);
  }

  private classifySpawn(s: Readonly<KernelState>, child: string): void {
    let rank = this.spawnRank.get(child);
    if (rank === undefined) {
      const r = s.spawns?.[child];
      if (r === undefined) return;
      rank = this.spawnIds.length;
      this.spawnIds.push(child);
      this.spawnRank.set(child, rank);
      // A record's spawner and carve never change (it is replaced only to mark it exited).
      pushTo(this.spawnsOfParent, r.parent, rank);
      if (r.group !== null) pushTo(this.spawnsOfGroup, r.group, rank);
    }
    this.classifySpawnAt(s, rank);
  }

  private classifySpawnAt(s: Readonly<KernelState>, rank: number): void {
    const r = s.spawns?.[this.spawnIds[rank]!];
    if (r === undefined) {
      this.toKill.delete(rank);
      this.toExit.delete(rank);
      return;
    }
    this.toKill.set(rank, toKill(s, r));
    this.toExit.set(rank, toExit(s, r));
  }

  private classifyHandleAt(s: Readonly<KernelState>, rank: number): void {
    const h = s.handles[this.handleIds[rank]!];
    this.toEnd.set(rank, !!h && toEnd(s, h));
  }
}
