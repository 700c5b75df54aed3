/**
 * Budget gauges at the cursor: each group's use of its token and money quotas in the current
 * period, as a tree (parents before children), and the harness totals. Pure, from the kernel
 * state at the cursor.
 */
import type { KernelState } from '../../kernel';

export type MeterLevel = 'ok' | 'high' | 'full';

export interface Meter {
  used: number;
  /** Null: no quota (unlimited); the gauge shows use only. */
  quota: number | null;
  /** used / quota, unclamped (over 1 when overspent); null without a quota. */
  ratio: number | null;
  level: MeterLevel;
}

export interface Gauge {
  id: string;
  name: string;
  parent: string | null;
  depth: number;
  weight: number;
  tokens: Meter;
  cost: Meter;
  periodMs: number | null;
  /** Virtual ms left in the current period (null: quotas last the whole run). */
  periodLeftMs: number | null;
  /** When the throttle lifts (−1: not before the run ends); null when not throttled. */
  throttledUntil: number | null;
  throttled: boolean;
  /** Agents whose own group this is. */
  members: string[];
}

export interface HarnessTotals {
  tokensIn: number;
  tokensOut: number;
  tokens: Meter;
  cost: Meter;
}

/** Share of a quota at which a gauge turns amber. */
export const HIGH_AT = 0.8;

export function meter(used: number, quota: number | null | undefined): Meter {
  const q = typeof quota === 'number' && quota > 0 ? quota : null;
  const ratio = q === null ? null : used / q;
  const level: MeterLevel = ratio === null ? 'ok' : ratio >= 1 ? 'full' : ratio >= HIGH_AT ? 'high' : 'ok';
  return { used, quota: q, ratio, level };
}

/**
 * The groups of the run as gauges, depth-first from the roots in the order the run declared
 * them. `names` maps ids to display names (from the document; the trace carries ids only).
 * A group whose parent is unknown counts as a root; a parent cycle is cut where it repeats.
 */
export function deriveGauges(state: KernelState, names: ReadonlyMap<string, string> = new Map()): Gauge[] {
  const groups = state.groups ?? {};
  const ids = Object.keys(groups);
  const children = new Map<string | null, string[]>();
  for (const id of ids) {
    const parent = groups[id]!.parent;
    const key = parent !== null && parent in groups ? parent : null;
    children.set(key, [...(children.get(key) ?? []), id]);
  }
  const members = new Map<string, string[]>();
  for (const agent of state.order) {
    const g = state.procs[agent]?.group;
    if (g) members.set(g, [...(members.get(g) ?? []), agent]);
  }

  const out: Gauge[] = [];
  const seen = new Set<string>();
  const visit = (id: string, depth: number): void => {
    if (seen.has(id)) return;
    seen.add(id);
    const g = groups[id]!;
    const periodLeftMs = g.periodMs !== null && g.periodMs > 0 ? Math.max(0, g.periodStart + g.periodMs - state.now) : null;
    out.push({
      id,
      name: names.get(id) ?? id,
      parent: g.parent,
      depth,
      weight: g.weight,
      tokens: meter(g.usedTokens, g.tokens),
      cost: meter(g.usedCost, g.cost),
      periodMs: g.periodMs,
      periodLeftMs,
      throttledUntil: g.throttledUntil,
      throttled: g.throttledUntil !== null,
      members: members.get(id) ?? [],
    });
    for (const child of children.get(id) ?? []) visit(child, depth + 1);
  };
  for (const root of children.get(null) ?? []) visit(root, 0);
  // Groups only reachable through a cycle are still shown, at the top level.
  for (const id of ids) visit(id, 0);
  return out;
}

/** Harness-wide use at the cursor against the document's limits (undefined: no limit). */
export function deriveTotals(state: KernelState, limits: { maxTokens?: number; maxCost?: number } = {}): HarnessTotals {
  return {
    tokensIn: state.tokensIn,
    tokensOut: state.tokensOut,
    tokens: meter(state.tokensIn + state.tokensOut, limits.maxTokens),
    cost: meter(state.cost, limits.maxCost),
  };
}
