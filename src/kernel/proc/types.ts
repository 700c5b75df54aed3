/**
 * The shape of an agent's /proc (kernel/proc/procSnapshot.ts builds it): plain JSON, recorded on
 * `proc.read`. Kept apart from the builder so the event vocabulary can name it without a cycle.
 */
import type { AgentCacheFigures } from '../memory/kvCacheTypes';
import type { Handle } from '../trust/types';

/** One budget group of the agent's chain (nearest first): its quotas, what it used this period and what is left. */
export interface ProcGroupBudget {
  group: string;
  /** Quotas per period (null: none). */
  tokens: number | null;
  cost: number | null;
  usedTokens: number;
  usedCost: number;
  /** Quota minus used, never below 0 (null: no quota). */
  tokensLeft: number | null;
  costLeft: number | null;
  /** When the current period ends and the quotas refill (null: once per run). */
  refillsAt: number | null;
  /** Set while the group is spent: its agents are not picked until then. */
  throttledUntil: number | null;
}

/** The agent's runtime state as /proc shows it. Plain JSON; every number is a kernel number at `at`. */
export interface ProcSnapshot {
  /** Whose state this is, and its process id. */
  agent: string;
  pid: number;
  /** Its process state: ready, running, acting, syscall, blocked, done or failed. */
  state: string;
  /** Virtual time of the state read, and the seq of the last event applied to it. */
  at: number;
  seq: number;
  model: string;
  turn: number;
  budget: {
    /** What the agent itself has used (input and output tokens, money). */
    own: { tokensIn: number; tokensOut: number; cost: number };
    /** Its budget group and each group above it, nearest first (empty: it belongs to none). */
    groups: ProcGroupBudget[];
    /** The harness limits: tokens and money left under maxTokens / maxCost (null: no limit), steps left. */
    harness: { tokensLeft: number | null; costLeft: number | null; stepsLeft: number };
    /** What the agent may still spend: the smallest left over its groups and the harness (null: unlimited). */
    tokensLeft: number | null;
    costLeft: number | null;
  };
  window: {
    /** Tokens in the context window, and its size. */
    used: number;
    limit: number;
    segments: number;
    /** The memory manager's thresholds, as shares of the window and in tokens, and the level last announced. */
    warnAt: number;
    compactAt: number;
    warnAtTokens: number;
    compactAtTokens: number;
    pressure: 'ok' | 'warn' | 'compact';
    /** Segments that left the window (recall storage). */
    recalled: number;
  };
  sched: {
    class: string;
    /** The class's numbers for this agent (lag, vruntime, vdeadline, runtimeLeft, deadline, prio…; empty while it is in no runqueue). */
    numbers: Record<string, number>;
    /** The inference slot it holds (null: none). */
    slot: number | null;
    /** What holds it back now, each with the time it lifts (null: not known). */
    throttled: { by: 'class' | 'group' | 'endpoint'; what: string; until: number | null }[];
  };
  /** Whom it waits for while blocked in a receive: an agent, or null for any message (the deadlock detector's wait-for edge); null when it does not wait. */
  waitsFor: { agent: string | null } | null;
  /** Its system call in progress: the tool and whether the gate decided it. */
  call: { tool: string; decided: boolean; asked: boolean } | null;
  /** Open A2A tasks: those it asked (it waits for the server) and those it serves (the client waits for it). */
  tasks: { id: string; client: string; server: string; state: string; role: 'client' | 'server' }[];
  /** Its capability handles in issue order, with their leases (`lentTo`: a unique handle moved to that sub-agent until it exits). */
  handles: { id: string; target: string; kind: Handle['kind']; access: Handle['access']; lease: Handle['lease']; expiresAt: number | null; live: boolean; ended: string | null; lentTo?: string }[];
  /** The goals of its scope and the harness's, with their truth now and why. */
  goals: { id: string; name: string; scope: string; met: boolean; why: string }[];
  /** Its prompts' prefix-cache figures (lookups, prompt and cached tokens, hit rate, warm tokens now); absent when its model declares no cache. */
  cache?: Omit<AgentCacheFigures, 'agent'>;
  /** The run's allocator classes (/proc/slabinfo: live objects, estimated bytes, peak, allocs, frees); only when the document declares `alloc`. */
  slabs?: { class: string; live: number; bytes: number; peak: number; allocs: number; frees: number }[];
}

