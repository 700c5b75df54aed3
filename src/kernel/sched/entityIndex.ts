/**
 * Agent ids ↔ dense entity indices, for runqueues that keep per-agent fields in parallel
 * arrays (plain JSON data). Freed indices are reused last-in first-out, so the mapping is a
 * deterministic function of the operations.
 */
import type { AgentId } from '../ids';

/** An entity's place in its class (per-entity `state` arrays; 0 = free slot): waiting in the queue… */
export const QUEUED = 1;
/** …holding an inference slot… */
export const RUNNING = 2;
/** …or asleep (waiting for a tool, a message, a human), keeping what its class remembers. */
export const SLEEPING = 3;

/** The id table of one runqueue. */
export interface EntityIndex {
  /** agent → index. Read through `entityOf`: ids such as "constructor" also name Object.prototype members. */
  ids: Record<string, number>;
  /** index → agent ('' while free). */
  agents: string[];
  free: number[];
}

/** An empty table. */
export const entityIndex = (): EntityIndex => ({ ids: {}, agents: [], free: [] });

/**
 * The last answer of `entityOf`: the kernel asks about one agent several times in a row (pick,
 * dequeue, account, enqueue back), and a look-up among thousands of string keys costs more than
 * the rest of a heap operation. Forgotten whenever any table admits or releases an entity.
 */
let lastTable: EntityIndex | null = null;
let lastAgent = '';
let lastIndex = -1;

/** The agent's index, or −1 if this runqueue does not know it. */
export function entityOf(t: EntityIndex, agent: AgentId): number {
  if (t === lastTable && agent === lastAgent) return lastIndex;
  const v = t.ids[agent];
  const i = typeof v === 'number' ? v : -1;
  lastTable = t;
  lastAgent = agent;
  lastIndex = i;
  return i;
}

/** Gives `agent` an index (a freed one first); the caller then sets every per-entity field at it. */
export function admitEntity(t: EntityIndex, agent: AgentId): number {
  const i = t.free.length > 0 ? t.free.pop()! : t.agents.length;
  lastTable = null;
  t.agents[i] = agent;
  t.ids[agent] = i;
  return i;
}

/** Forgets the agent at index i. */
export function releaseEntity(t: EntityIndex, i: number): void {
  lastTable = null;
  delete t.ids[t.agents[i]!];
  t.agents[i] = '';
  t.free.push(i);
}

/** What the shared transitions below touch in a runqueue. */
export interface EntityStates {
  ids: EntityIndex;
  state: number[];
}

/**
 * The way out of a runqueue for classes whose `unlink(rq, i)` takes an entity off their own
 * structure (a no-op when it is not queued): to RUNNING (dequeue: only a queued entity), to
 * SLEEPING, or out for good (0: exit, the index is released). Returns the entity's index, or -1
 * when nothing happened.
 */
export function moveOut<R extends EntityStates>(rq: R, agent: AgentId, to: typeof RUNNING | typeof SLEEPING | 0, unlink: (rq: R, i: number) => void): number {
  const i = entityOf(rq.ids, agent);
  if (i < 0 || (to === RUNNING && rq.state[i] !== QUEUED)) return -1;
  unlink(rq, i);
  rq.state[i] = to;
  if (to === 0) releaseEntity(rq.ids, i);
  return i;
}
