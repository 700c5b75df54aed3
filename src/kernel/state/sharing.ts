/**
 * Snapshots and the state-size meter at a cost that follows what changed, not the state's size.
 *
 * A run of 1,000 agents touches a few agents per event, yet a whole copy of its state (every
 * snapshot) and a whole measurement of it (the state meter) cost every agent. So the reducers
 * report each agent they change (touched.ts), and a `StateSharing` that tracks the live state
 * keeps, per agent, whether it changed since the last snapshot and since the last measurement:
 * a snapshot copies only the changed agents and shares the others with the snapshot before it;
 * a measurement re-measures only the changed agents. What `immutable` froze (segments, recall)
 * is shared by every copy as before.
 *
 * Snapshots so share objects with each other: they are read-only (a seek copies its base before
 * replaying onto it, see replayTo). The live state is never shared: it stays the one mutable copy.
 */
import { putOwn } from '../ids';
import { jsonLength, keySize } from './immutable';
import { cloneState, copyData } from './reduce';
import type { KernelState, Proc } from './state';
import { listen, unlisten, type ProcListener } from './touched';

/** Copy-on-change snapshots and an incremental meter for one live state (see the module comment). */
export class StateSharing implements ProcListener {
  private live: KernelState | null = null;
  /** The last snapshot of the live state, and the agents changed since it. */
  private base: KernelState | null = null;
  private readonly sinceSnapshot = new Set<string>();
  /** Each agent's JSON length when last measured, and the agents changed since. */
  private readonly sizes = new Map<string, number>();
  private readonly sinceMeasured = new Set<string>();
  /**
   * Per agent (and per part of the state beside the agents: handles, tasks, sent…), the frozen
   * values of its fields when last measured and their lengths, by field position: a changed
   * agent is re-measured only in the fields that were replaced (its window, variables, inbox…
   * are replaced on change, never edited, see immutable.ts), a table only in its new entries.
   */
  private readonly parts = new Map<string, Measured>();
  private readonly stateParts = new Map<string, Measured>();

  /** Starts tracking `s` (a new live state: started, loaded or restored); forgets the one before. */
  track(s: KernelState): void {
    if (this.live !== null) unlisten(this.live, this);
    this.live = s;
    listen(s, this);
    this.base = null;
    this.sinceSnapshot.clear();
    this.sizes.clear();
    this.sinceMeasured.clear();
    this.parts.clear();
    this.stateParts.clear();
  }

  /** Agent `id`'s record is about to change (touched.ts). */
  touched(id: string): void {
    this.sinceSnapshot.add(id);
    this.sinceMeasured.add(id);
  }

  /**
   * A read-only copy of `s` equal to cloneState(s): agents unchanged since the last snapshot are
   * the last snapshot's records, changed ones are copied. An untracked state is copied whole.
   */
  snapshot(s: KernelState): KernelState {
    if (s !== this.live) return cloneState(s);
    const base = this.base;
    const out = Object.create(Object.getPrototypeOf(s) as object | null) as Record<string, unknown>;
    const src = s as unknown as Record<string, unknown>;
    for (const key in src) {
      if (!Object.hasOwn(src, key)) continue;
      if (key === 'procs') {
        out.procs = this.copyProcs(s.procs, base?.procs);
        continue;
      }
      const x = src[key];
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
      out[key] = copyData(x);
    }
    this.base = out as unknown as KernelState;
    this.sinceSnapshot.clear();
    return this.base;
  }

  private copyProcs(procs: KernelState['procs'], before: KernelState['procs'] | undefined): KernelState['procs'] {
    const out = Object.create(Object.getPrototypeOf(procs) as object | null) as KernelState['procs'];
    for (const id in procs) {
      if (!Object.hasOwn(procs, id)) continue;
      const kept = before !== undefined && !this.sinceSnapshot.has(id) && Object.hasOwn(before, id) ? before[id] : undefined;
      const p = kept ?? (copyData(procs[id]) as Proc);
      if (id === '__proto__') putOwn(out, id, p);
      else out[id] = p;
    }
    return out;
  }

  /**
   * `JSON.stringify(s).length` (what jsonLength gives), re-measuring only the agents changed since
   * the last measurement; an untracked state is measured whole.
   */
  jsonLength(s: KernelState): number {
    if (s !== this.live) return jsonLength(s) ?? 0;
    let n = 2;
    let first = true;
    const src = s as unknown as Record<string, unknown>;
    for (const key in src) {
      if (!Object.hasOwn(src, key)) continue;
      const v = src[key];
      const x = key === 'procs' ? this.procsLength(s.procs) : typeof v === 'object' && v !== null ? partLength(this.stateParts, key, v) : jsonLength(v);
      if (x === undefined) continue;
      n += keySize(key) + x + (first ? 0 : 1);
      first = false;
    }
    this.sinceMeasured.clear();
    return n;
  }

  private procsLength(procs: KernelState['procs']): number {
    let n = 2;
    let first = true;
    for (const id in procs) {
      if (!Object.hasOwn(procs, id)) continue;
      let size = this.sinceMeasured.has(id) ? undefined : this.sizes.get(id);
      if (size === undefined) {
        size = partLength(this.parts, id, procs[id]!);
        this.sizes.set(id, size);
      }
      n += keySize(id) + size + (first ? 0 : 1);
      first = false;
    }
    return n;
  }
}

/** The frozen values of an object's fields (or an array's items) when last measured, by position, and their lengths. */
interface Measured {
  refs: unknown[];
  sizes: (number | undefined)[];
}

/**
 * jsonLength of `v` (an object or array) remembered under `id` in `known`, reusing the lengths of
 * fields holding the same frozen value as last time: only replaced fields are measured again.
 */
function partLength(known: Map<string, Measured>, id: string, v: object): number {
  let m = known.get(id);
  if (m === undefined) known.set(id, (m = { refs: [], sizes: [] }));
  const { refs, sizes } = m;
  const at = (j: number, x: unknown): number | undefined => {
    if (typeof x === 'object' && x !== null && refs[j] === x) return sizes[j];
    const size = jsonLength(x);
    // Only frozen values can be trusted to keep their length.
    refs[j] = typeof x === 'object' && x !== null && Object.isFrozen(x) ? x : undefined;
    sizes[j] = size;
    return size;
  };
  let n = 2;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) n += (at(i, v[i]) ?? 4) + (i > 0 ? 1 : 0);
    refs.length = sizes.length = v.length;
    return n;
  }
  const src = v as Record<string, unknown>;
  let first = true;
  let j = 0;
  for (const key in src) {
    if (!Object.hasOwn(src, key)) continue;
    const size = at(j++, src[key]);
    if (size === undefined) continue;
    n += keySize(key) + size + (first ? 0 : 1);
    first = false;
  }
  // Nothing past the fields it has now is kept alive.
  refs.length = sizes.length = j;
  return n;
}
