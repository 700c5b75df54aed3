/**
 * What the studio shows of the scheduling classes, read from the kernel's registry: the class
 * list, the parameters a class reads (and which apply given the others), the stats shown beside
 * its agents. Nothing here knows a class by name; a class the registry does not know (an old
 * trace) is shown with every number its events carry.
 */
import { SCHED_CLASSES, type AgentSched, type SchedClass, type SchedParam, type SchedRegistry, type SchedStats } from '../../kernel';

export type { SchedStats };

/** The class picker's options, in rank order. */
export function classOptions(registry: SchedRegistry = SCHED_CLASSES): { value: string; label: string }[] {
  return registry.ordered.map((c) => ({ value: c.name, label: c.label }));
}

/** Every `sched.*` field some class reads, plus class and group: the fields the inspector places. */
export function schedFieldNames(registry: SchedRegistry = SCHED_CLASSES): string[] {
  return ['class', 'group', ...registry.params.map((p) => p.name)];
}

/** The fields of `cls` that apply to this section (rrSlice only under rr, nice only without a weight). */
export function paramsShown(cls: SchedClass | undefined, sched: AgentSched): readonly SchedParam[] {
  return (cls?.params ?? []).filter((p) => p.appliesTo?.(sched) ?? true);
}

/** The hint beside a field: the class's own, else its range and unit. */
export function paramHint(p: SchedParam, sched: AgentSched): string | undefined {
  if (p.hint) return p.hint(sched);
  const range = p.min !== undefined && p.max !== undefined ? `${p.min}…${p.max}` : p.min !== undefined ? `≥ ${p.min}` : '';
  return [range, p.unit].filter(Boolean).join(' ') || undefined;
}

/** The inspector's test id of a field: `field-sched-rr-slice` for rrSlice. */
export function paramTestId(p: SchedParam): string {
  return `field-sched-${p.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The numbers to show for a class: its own, in order, or every one the stats carry when the registry does not know it. */
export function shownNumbers(cls: SchedClass | undefined, stats: SchedStats | null): [string, number][] {
  if (!stats) return [];
  if (!cls) return Object.entries(stats);
  return cls.shows.filter((s) => s.stat in stats).map((s) => [s.label, stats[s.stat]!]);
}
