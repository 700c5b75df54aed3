/**
 * Doubly linked lists threaded through entity indices (JSON data; −1 is "none"), like the
 * per-priority `list_head` queues of Linux's rt_prio_array (kernel/sched/sched.h): push at
 * either end and unlink any member in O(1). Several lists share one `next`/`prev` pair; an
 * index belongs to at most one list at a time.
 */

/** `count` lists over shared links. */
export interface IndexLists {
  head: number[];
  tail: number[];
  next: number[];
  prev: number[];
}

/** `count` empty lists. */
export const indexLists = (count: number): IndexLists => ({
  head: Array.from({ length: count }, () => -1),
  tail: Array.from({ length: count }, () => -1),
  next: [],
  prev: [],
});

/** Appends index i to list l (enqueue_task_rt without ENQUEUE_HEAD). */
export function pushBack(ls: IndexLists, l: number, i: number): void {
  const t = ls.tail[l]!;
  ls.prev[i] = t;
  ls.next[i] = -1;
  if (t >= 0) ls.next[t] = i;
  else ls.head[l] = i;
  ls.tail[l] = i;
}

/** Puts index i first in list l (ENQUEUE_HEAD: a preempted rt task keeps its place). */
export function pushFront(ls: IndexLists, l: number, i: number): void {
  const h = ls.head[l]!;
  ls.next[i] = h;
  ls.prev[i] = -1;
  if (h >= 0) ls.prev[h] = i;
  else ls.tail[l] = i;
  ls.head[l] = i;
}

/** Takes index i out of list l (it must be a member). */
export function unlink(ls: IndexLists, l: number, i: number): void {
  const n = ls.next[i]!;
  const p = ls.prev[i]!;
  if (p >= 0) ls.next[p] = n;
  else ls.head[l] = n;
  if (n >= 0) ls.prev[n] = p;
  else ls.tail[l] = p;
  ls.next[i] = -1;
  ls.prev[i] = -1;
}

/** Appends the members of list l to `out`, first to last. */
export function listMembers(ls: IndexLists, l: number, out: number[] = []): number[] {
  for (let i = ls.head[l]!; i >= 0; i = ls.next[i]!) out.push(i);
  return out;
}
