/**
 * Runqueues at the cursor, per model: who holds each slot and who waits, class by class in
 * rank order and, within a class, in the kernel's pick order. Pure: the kernel state at the
 * cursor plus the timeline's stats index (each agent's latest numbers, throttle reasons).
 */
import { runqueueOrder, SCHED_CLASSES, type KernelState, type QueuedAgent, type SchedRegistry } from '../../kernel';
import { shownNumbers, type SchedStats } from './classViews';
import { untilText, type Timeline } from './timeline';

export interface AgentLine {
  agent: string;
  class: string;
  /** The class's numbers from the agent's latest stats (label, value). */
  numbers: [string, number][];
  /** Every number the latest stats carried, for a tooltip. */
  stats: SchedStats | null;
  /** seq of the event those stats came from. */
  statsSeq: number | null;
  /** Why the agent is held back right now, or null. */
  throttled: string | null;
  /** Virtual ms it has waited (queued agents), or held the slot (running agents). */
  ms: number;
}

export interface SlotLine {
  slot: number;
  /** Null when the slot is free. */
  holder: AgentLine | null;
}

export interface ClassQueue {
  class: string;
  label: string;
  waiting: AgentLine[];
}

export interface ModelQueue {
  model: string;
  slots: SlotLine[];
  /** Non-empty classes only, in rank order. */
  classes: ClassQueue[];
  waitingCount: number;
  /** Admitted deadline bandwidth in slots, when the state tracks it. */
  bandwidth: number | null;
}

/**
 * Slot holders and waiting agents per model. The waiting order is the kernel's (runqueueOrder
 * over the runqueues the state carries): the first line nobody holds back is the next pick.
 * Agents that are ready but not in a runqueue yet (between waking and their sched.enqueued, or
 * a trace from before runqueues were kept) follow their class's queue in arrival order.
 */
export function deriveRunqueues(state: KernelState, tl: Timeline, cursor: number, registry: SchedRegistry = SCHED_CLASSES): ModelQueue[] {
  const now = state.now;
  const order = runqueueOrder(state, registry);
  const line = (agent: string, ms: number, heldBy: QueuedAgent['heldBy']): AgentLine => {
    const p = state.procs[agent];
    const cls = p?.class ?? p?.sched?.class ?? registry.fallback;
    const latest = tl.statsAt(agent, cursor);
    const stats = latest?.value ?? null;
    const classThrottle = tl.throttleAt(agent, cursor);
    const throttled =
      heldBy?.kind === 'group' ? `group ${heldBy.group} spent until ${untilText(heldBy.until)}`
      : heldBy?.kind === 'class' ? (classThrottle ? `${classThrottle.reason} (until ${untilText(classThrottle.until)})` : `held back by ${cls}`)
      : null;
    return { agent, class: cls, numbers: shownNumbers(registry.get(cls), stats), stats, statsSeq: latest?.seq ?? null, throttled, ms };
  };
  const rank = (name: string): number => registry.get(name)?.rank ?? Number.POSITIVE_INFINITY;

  const models = Object.keys({ ...state.models, ...state.slots });
  return models.map((model) => {
    const held = state.slots[model] ?? [];
    const holders = new Set(held.filter((a): a is string => a !== null));
    const slots: SlotLine[] = held.map((agent, slot) => ({ slot, holder: agent === null ? null : line(agent, now - (tl.heldSince(model, slot, agent, cursor) ?? now), null) }));

    const byClass = new Map<string, AgentLine[]>();
    const queued = new Set<string>();
    for (const q of order[model] ?? []) {
      const lines = q.agents.filter((a) => !holders.has(a.agent)).map((a) => {
        queued.add(a.agent);
        return line(a.agent, now - (state.procs[a.agent]?.readyAt ?? now), a.heldBy);
      });
      if (lines.length > 0) byClass.set(q.class, lines);
    }
    for (const id of state.order) {
      const p = state.procs[id];
      if (!p || p.model !== model || p.state !== 'ready' || holders.has(id) || queued.has(id)) continue;
      const l = line(id, now - p.readyAt, null);
      byClass.set(l.class, [...(byClass.get(l.class) ?? []), l]);
    }

    const classes: ClassQueue[] = [...byClass.entries()]
      .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
      .map(([name, waiting]) => ({ class: name, label: registry.get(name)?.label ?? name, waiting }));
    const bw = state.bandwidth?.[model];
    return { model, slots, classes, waitingCount: classes.reduce((n, c) => n + c.waiting.length, 0), bandwidth: typeof bw === 'number' ? bw : null };
  });
}
