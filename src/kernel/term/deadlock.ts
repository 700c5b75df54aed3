/**
 * Deadlock: blocked agents that no event can ever wake. The wait-for graph has an edge from
 * each blocked agent to the agent it waits for; one waiting for "any message" waits for every
 * other alive agent (an OR wait, Chandy–Misra–Haas' communication model). An agent can still
 * progress when it is not blocked, when a message it accepts is in flight, or when someone it
 * waits for can progress; the agents left over are deadlocked. An agent waiting for one that
 * has finished (or failed) is deadlocked too: nobody will ever send what it waits for.
 */

/** A message sent and not yet received (in flight, or delivered to an inbox and not taken). */
export interface PendingMessage {
  from: string;
  to: string;
}

/**
 * A witness of deadlock, or null when every blocked agent can still be woken. When a stuck
 * agent waits for any message, no alive agent can move at all and nothing they accept is
 * pending: the witness is every alive agent, sorted. Otherwise it is a cycle of specific waits,
 * rotated to start at its smallest id, or a chain from the smallest stuck agent to one that is
 * gone (finished or failed).
 *
 * @param waits blocked agents → the agent each waits for, null for any message
 * @param alive agents that have neither finished nor failed (blocked ones included)
 * @param pending messages not yet received; one a waiter accepts means it will wake
 */
export function waitForCycle(
  waits: ReadonlyMap<string, string | null>,
  alive: ReadonlySet<string>,
  pending: readonly PendingMessage[] = [],
): string[] | null {
  const blocked = [...waits.keys()].filter((a) => alive.has(a)).sort();
  const accepts = (w: string, m: PendingMessage): boolean => m.to === w && (waits.get(w) === null || waits.get(w) === m.from);

  // Backwards from everything that can move: runnable agents and waiters with mail coming.
  const free = new Set<string>([...alive].filter((a) => !waits.has(a)));
  for (const w of blocked) if (pending.some((m) => accepts(w, m))) free.add(w);
  const waitersOn = new Map<string, string[]>();
  for (const w of blocked) {
    const on = waits.get(w);
    if (on !== null && on !== undefined) waitersOn.set(on, [...(waitersOn.get(on) ?? []), w]);
  }
  const anyWaiters = blocked.filter((w) => waits.get(w) === null);
  const queue = [...free];
  let anyWoken = false;
  while (queue.length > 0) {
    const x = queue.shift()!;
    let next = waitersOn.get(x) ?? [];
    if (!anyWoken) {
      // Any agent that can move can send to an any-waiter other than itself.
      next = [...next, ...anyWaiters.filter((w) => w !== x)];
      anyWoken = !anyWaiters.includes(x);
    }
    for (const w of next) {
      if (!free.has(w)) {
        free.add(w);
        queue.push(w);
      }
    }
  }

  const stuck = blocked.filter((w) => !free.has(w));
  if (stuck.length === 0) return null;
  // A stuck any-waiter means nobody at all can move: every alive agent is stuck.
  if (stuck.some((w) => waits.get(w) === null)) return stuck;

  // Every stuck agent waits for a specific one: follow the waits from the smallest.
  const stuckSet = new Set(stuck);
  const path: string[] = [];
  const at = new Map<string, number>();
  let x: string = stuck[0]!;
  for (;;) {
    const seen = at.get(x);
    if (seen !== undefined) return rotate(path.slice(seen));
    at.set(x, path.length);
    path.push(x);
    if (!stuckSet.has(x)) return path; // a finished agent: the chain ends there
    x = waits.get(x)!;
  }
}

/** The cycle rotated so that its smallest id comes first. */
function rotate(cycle: string[]): string[] {
  let k = 0;
  cycle.forEach((a, i) => {
    if (a < cycle[k]!) k = i;
  });
  return [...cycle.slice(k), ...cycle.slice(0, k)];
}

/**
 * "alice waits for bob, bob waits for alice". Without `waits` the list reads as a cycle; pass
 * the same `waits` given to `waitForCycle` to say what each really waits for: "any message"
 * for an OR wait, and "has finished" for the agent (not in `waits`) that a chain ends at.
 */
export function explainCycle(cycle: readonly string[], waits?: ReadonlyMap<string, string | null>): string {
  if (cycle.length === 0) return 'no agent is waiting';
  if (waits === undefined) return cycle.map((a, i) => `${a} waits for ${cycle[(i + 1) % cycle.length]}`).join(', ');
  if (cycle.every((a) => waits.get(a) === null)) {
    return `${list(cycle)} ${cycle.length === 1 ? 'waits' : 'all wait'} for any message and none is pending`;
  }
  return cycle
    .map((a) => {
      if (!waits.has(a)) return `${a} has finished`;
      const on = waits.get(a);
      return on === null ? `${a} waits for any message` : `${a} waits for ${on}`;
    })
    .join(', ');
}

const list = (xs: readonly string[]): string => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);
