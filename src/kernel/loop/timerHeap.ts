/**
 * Pending instants keyed by id: a binary min-heap ordered by (time, id) with each id's place
 * kept, so an entry is set, moved or dropped in O(log n). The run index (runIndex.ts) keeps
 * agents' slice ends, tool returns and retries, handles' lease terms and messages' deliveries
 * in them, so the clock finds its next instant without scanning every agent.
 */
export class TimerHeap {
  private ids: number[] = [];
  private readonly at = new Map<number, number>();
  private readonly place = new Map<number, number>();

  get size(): number {
    return this.ids.length;
  }

  /** The time of id, or undefined when it has none. */
  timeOf(id: number): number | undefined {
    return this.at.get(id);
  }

  /** Sets (or moves) the time of id. */
  set(id: number, t: number): void {
    const i = this.place.get(id);
    this.at.set(id, t);
    if (i === undefined) {
      this.ids.push(id);
      this.place.set(id, this.ids.length - 1);
      this.up(this.ids.length - 1);
    } else {
      this.up(i);
      this.down(this.place.get(id)!);
    }
  }

  delete(id: number): void {
    const i = this.place.get(id);
    if (i === undefined) return;
    const last = this.ids.pop()!;
    this.place.delete(id);
    this.at.delete(id);
    if (i < this.ids.length) {
      this.ids[i] = last;
      this.place.set(last, i);
      this.up(i);
      this.down(this.place.get(last)!);
    }
  }

  clear(): void {
    this.ids = [];
    this.at.clear();
    this.place.clear();
  }

  /** The id with the smallest (time, id), or -1. */
  peek(): number {
    return this.ids.length === 0 ? -1 : this.ids[0]!;
  }

  /** Calls fn for every entry whose time is <= t (in no particular order); O(entries visited). */
  forEachUpTo(t: number, fn: (id: number, at: number) => void): void {
    const stack = this.ids.length > 0 ? [0] : [];
    while (stack.length > 0) {
      const i = stack.pop()!;
      const id = this.ids[i]!;
      const at = this.at.get(id)!;
      if (at > t) continue;
      fn(id, at);
      const l = 2 * i + 1;
      if (l < this.ids.length) stack.push(l);
      if (l + 1 < this.ids.length) stack.push(l + 1);
    }
  }

  /** The smallest id among entries whose time is <= t, or -1. */
  smallestIdUpTo(t: number): number {
    let best = -1;
    this.forEachUpTo(t, (id) => {
      if (best < 0 || id < best) best = id;
    });
    return best;
  }

  private less(a: number, b: number): boolean {
    const ta = this.at.get(a)!;
    const tb = this.at.get(b)!;
    return ta < tb || (ta === tb && a < b);
  }

  private up(i: number): void {
    const ids = this.ids;
    const id = ids[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(id, ids[parent]!)) break;
      ids[i] = ids[parent]!;
      this.place.set(ids[i]!, i);
      i = parent;
    }
    ids[i] = id;
    this.place.set(id, i);
  }

  private down(i: number): void {
    const ids = this.ids;
    const n = ids.length;
    const id = ids[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.less(ids[r]!, ids[l]!) ? r : l;
      if (!this.less(ids[c]!, id)) break;
      ids[i] = ids[c]!;
      this.place.set(ids[i]!, i);
      i = c;
    }
    ids[i] = id;
    this.place.set(id, i);
  }
}
