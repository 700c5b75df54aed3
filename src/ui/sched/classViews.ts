/**
 * What the UI knows about each scheduling class, as data: one frozen entry per class, in the
 * kernel's rank order (deadline > rt > fifo > fair > priority > idle). The runqueue view reads
 * `numbers` and `compare`; the inspector reads `fields`. A class the table does not know is
 * shown with all its numbers, after the known ones.
 */

/** The numbers a class attaches to its decisions (vruntime, lag, runtimeLeft…), as events carry them. */
export type SchedStats = Readonly<Record<string, number>>;

/** Agent spec fields (`agents[i].sched.*`) a class reads, besides `class` and `group`. */
export type SchedField = 'rtPolicy' | 'priority' | 'rrSlice' | 'nice' | 'weight' | 'runtime' | 'deadline' | 'period';

export interface SchedClassView {
  readonly name: string;
  /** Lower is asked first; mirrors the kernel's ranks (sched/schedClass.ts). */
  readonly rank: number;
  readonly label: string;
  /** Stats shown in the runqueue, in this order (those an event did not carry are skipped). */
  readonly numbers: readonly string[];
  /** Spec fields the inspector offers for this class. */
  readonly fields: readonly SchedField[];
  /** Orders waiting agents as the class would pick them, from their latest stats (negative: `a` first). */
  compare(a: SchedStats, b: SchedStats): number;
}

const num = (s: SchedStats, key: string, fallback: number): number => {
  const v = s[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
};
const asc = (key: string) => (a: SchedStats, b: SchedStats) => num(a, key, Infinity) - num(b, key, Infinity);
const desc = (key: string) => (a: SchedStats, b: SchedStats) => num(b, key, -Infinity) - num(a, key, -Infinity);

/** EEVDF pick order: eligible (lag ≥ 0) before not eligible, then the earliest virtual deadline. */
function eevdf(a: SchedStats, b: SchedStats): number {
  const ea = num(a, 'lag', 0) >= 0 ? 0 : 1;
  const eb = num(b, 'lag', 0) >= 0 ? 0 : 1;
  return ea - eb || asc('vdeadline')(a, b);
}

const view = (v: SchedClassView): SchedClassView => Object.freeze(v);

/** Every class the document schema allows, in rank order. */
export const CLASS_VIEWS: readonly SchedClassView[] = Object.freeze([
  view({ name: 'deadline', rank: 10, label: 'deadline (EDF + CBS)', numbers: ['runtimeLeft', 'deadline'], fields: ['runtime', 'deadline', 'period'], compare: asc('deadline') }),
  view({ name: 'rt', rank: 20, label: 'rt (fifo / rr)', numbers: ['priority', 'used', 'budget'], fields: ['rtPolicy', 'priority', 'rrSlice'], compare: desc('priority') }),
  view({ name: 'fifo', rank: 21, label: 'fifo', numbers: ['position'], fields: [], compare: asc('position') }),
  view({ name: 'fair', rank: 30, label: 'fair (EEVDF)', numbers: ['vruntime', 'lag', 'vdeadline'], fields: ['nice', 'weight'], compare: eevdf }),
  view({ name: 'priority', rank: 40, label: 'priority (aging)', numbers: ['priority', 'effective'], fields: ['priority'], compare: desc('effective') }),
  view({ name: 'idle', rank: 90, label: 'idle', numbers: [], fields: [], compare: () => 0 }),
]);

const BY_NAME = new Map(CLASS_VIEWS.map((c) => [c.name, c]));

/** The view of a class; an unknown name ranks last, shows every number and keeps arrival order. */
export function classView(name: string): SchedClassView {
  return BY_NAME.get(name) ?? { name, rank: 1000, label: name, numbers: [], fields: [], compare: () => 0 };
}

/** The numbers to show for a class: its own, in order, then any others the stats carry when the class is unknown. */
export function shownNumbers(cls: SchedClassView, stats: SchedStats | null): [string, number][] {
  if (!stats) return [];
  const keys = BY_NAME.has(cls.name) ? cls.numbers.filter((k) => k in stats) : Object.keys(stats);
  return keys.map((k) => [k, stats[k]!]);
}

/** Linux `sched_prio_to_weight` (kernel/sched/core.c): nice −20 … 19, ×≈1.25 per step, nice 0 = 1024. */
const PRIO_TO_WEIGHT = [
  88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916, 9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991, 1586, 1277,
  1024, 820, 655, 526, 423, 335, 272, 215, 172, 137, 110, 87, 70, 56, 45, 36, 29, 23, 18, 15,
];

/** The fair-class weight of a nice value (clamped to −20…19). */
export function niceToWeight(nice: number): number {
  const i = Math.min(Math.max(Math.round(nice), -20), 19) + 20;
  return PRIO_TO_WEIGHT[i]!;
}

/**
 * The cgroup cpu.weight (1…10000, 100 = nice 0) with the load of a nice value: the kernel turns
 * a weight back into load as weight·1024/100 (Documentation/admin-guide/cgroup-v2.rst).
 */
export function niceToCpuWeight(nice: number): number {
  return Math.min(10000, Math.max(1, Math.round((niceToWeight(nice) * 100) / 1024)));
}

export interface DeadlineCheck {
  /** Runtime as virtual ms of one slot at the model's speed; null when runtime is unset. */
  runtimeMs: number | null;
  /** Share of one slot the agent reserves (runtime / period), when both are known. */
  utilization: number | null;
  /** What breaks runtime ≤ deadline ≤ period, in words; empty when it holds. */
  problems: string[];
}

/**
 * SCHED_DEADLINE's rule runtime ≤ deadline ≤ period (Documentation/scheduler/sched-deadline.rst),
 * with runtime in tokens turned into ms at the agent's model speed (`tokensPerSecond`).
 */
export function checkDeadline(p: { runtime?: unknown; deadline?: unknown; period?: unknown }, tokensPerSecond: number): DeadlineCheck {
  const pos = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);
  const runtime = pos(p.runtime);
  const deadline = pos(p.deadline);
  const period = pos(p.period);
  const runtimeMs = runtime === null || tokensPerSecond <= 0 ? null : (runtime / tokensPerSecond) * 1000;
  const problems: string[] = [];
  if (runtime === null || deadline === null || period === null) {
    const missing = [runtime === null && 'runtime', deadline === null && 'deadline', period === null && 'period'].filter(Boolean);
    problems.push(`set ${missing.join(', ')}: a deadline agent needs all three`);
  }
  const ms = (n: number) => `${Math.round(n)} ms`;
  if (runtimeMs !== null && deadline !== null && runtimeMs > deadline) {
    problems.push(`runtime ${runtime} tokens takes ${ms(runtimeMs)} at ${tokensPerSecond} tok/s, more than the deadline ${ms(deadline)}`);
  }
  if (deadline !== null && period !== null && deadline > period) problems.push(`deadline ${ms(deadline)} is after the period ${ms(period)}`);
  const utilization = runtimeMs !== null && period !== null ? runtimeMs / period : null;
  return { runtimeMs, utilization, problems };
}
