/**
 * Runqueues at the cursor, per model: who holds each slot and who waits, class by class in
 * rank order and, within a class, in the order the class would pick (from each agent's latest
 * scheduling numbers). Pure: the kernel state at the cursor plus the timeline's stats index.
 */
import type { KernelState } from '../../kernel';
import { classView, shownNumbers, type SchedStats } from './classViews';
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

/** The budget group (or ancestor) holding the agent back, if any. */
export function groupThrottle(state: KernelState, group: string | null): string | null {
  const seen = new Set<string>();
  for (let id = group; id !== null && !seen.has(id); ) {
    seen.add(id);
    const g = state.groups?.[id];
    if (!g) return null;
    // The kernel holds a group's agents while throttledUntil is set; its replenishment clears it.
    if (g.throttledUntil !== null) return `group ${id} spent until ${untilText(g.throttledUntil)}`;
    id = g.parent;
  }
  return null;
}

export function deriveRunqueues(state: KernelState, tl: Timeline, cursor: number): ModelQueue[] {
  const now = state.now;
  const line = (agent: string, ms: number): AgentLine => {
    const p = state.procs[agent];
    const cls = p?.class ?? p?.sched?.class ?? 'fifo';
    const latest = tl.statsAt(agent, cursor);
    const stats = latest?.value ?? null;
    const classThrottle = tl.throttleAt(agent, cursor);
    const throttled =
      groupThrottle(state, p?.group ?? p?.sched?.group ?? null) ??
      (classThrottle ? `${classThrottle.reason} (until ${untilText(classThrottle.until)})` : null);
    return { agent, class: cls, numbers: shownNumbers(classView(cls), stats), stats, statsSeq: latest?.seq ?? null, throttled, ms };
  };

  const models = Object.keys({ ...state.models, ...state.slots });
  return models.map((model) => {
    const held = state.slots[model] ?? [];
    const holders = new Set(held.filter((a): a is string => a !== null));
    const slots: SlotLine[] = held.map((agent, slot) => ({ slot, holder: agent === null ? null : line(agent, now - (tl.heldSince(model, slot, agent, cursor) ?? now)) }));

    const byClass = new Map<string, { line: AgentLine; order: number; readyAt: number }[]>();
    state.order.forEach((id, order) => {
      const p = state.procs[id];
      if (!p || p.model !== model || p.state !== 'ready' || holders.has(id)) return;
      const l = line(id, now - p.readyAt);
      const list = byClass.get(l.class) ?? [];
      list.push({ line: l, order, readyAt: p.readyAt });
      byClass.set(l.class, list);
    });

    const classes: ClassQueue[] = [...byClass.entries()]
      .map(([name, list]) => {
        const view = classView(name);
        const empty: SchedStats = {};
        list.sort((a, b) => view.compare(a.line.stats ?? empty, b.line.stats ?? empty) || a.readyAt - b.readyAt || a.order - b.order);
        return { view, queue: { class: name, label: view.label, waiting: list.map((x) => x.line) } };
      })
      .sort((a, b) => a.view.rank - b.view.rank || a.view.name.localeCompare(b.view.name))
      .map((x) => x.queue);

    const bw = state.bandwidth?.[model];
    return { model, slots, classes, waitingCount: classes.reduce((n, c) => n + c.waiting.length, 0), bandwidth: typeof bw === 'number' ? bw : null };
  });
}
