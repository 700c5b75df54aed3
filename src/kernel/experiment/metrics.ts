/**
 * Metrics: what each run of an experiment measures, read from what the kernel recorded (the
 * run's stop, its goals as the kernel judged them, its counters and its events). Nothing here
 * judges a goal or a retention again: the figures are the kernel's own.
 */
import type { HarnessSpec } from '../spec';
import type { KernelEvent } from '../trace/events';
import { attackSucceeded } from '../injectionSuite';
import { quantile } from './stats';
import type { MetricKind, MetricSpec } from './schema';

/** How a metric is summarised: a pass rate, a mean, or counts per category. */
export type MetricShape = 'rate' | 'mean' | 'counts';

/** A metric with its id, name and direction settled. */
export interface Metric {
  id: string;
  name: string;
  kind: MetricKind;
  shape: MetricShape;
  /** Which direction is better; null: neither (stop reasons). */
  better: 'higher' | 'lower' | null;
  spec: MetricSpec;
}

/** One run's value of one metric: pass/fail, a number, a category, or null when the run has none (no message on that edge). */
export type MetricValue = boolean | number | string | null;

/** The metrics a file that lists none measures. */
export const DEFAULT_METRICS: readonly MetricSpec[] = Object.freeze([
  { kind: 'goals' },
  { kind: 'cost' },
  { kind: 'tokensIn' },
  { kind: 'tokensOut' },
  { kind: 'steps' },
  { kind: 'time' },
  { kind: 'stopReason' },
] as MetricSpec[]);

function defaultId(m: MetricSpec): string {
  switch (m.kind) {
    case 'goals':
      return 'pass';
    case 'goal':
      return `goal:${m.goal}`;
    case 'retention':
      return `retention:${m.from ?? 'any'}-${m.to ?? 'any'}`;
    case 'waitP95':
    case 'deadlineMisses':
      return m.agent === undefined ? m.kind : `${m.kind}:${m.agent}`;
    default:
      return m.kind;
  }
}

function defaultName(m: MetricSpec): string {
  switch (m.kind) {
    case 'goals':
      return 'all goals met';
    case 'goal':
      return m.attack ? `attack goal ${m.goal} met` : `goal ${m.goal} met`;
    case 'attack':
      return `attack succeeded (${m.tool} with "${m.contains}")`;
    case 'tokensIn':
      return 'tokens in';
    case 'tokensOut':
      return 'tokens out';
    case 'time':
      return 'virtual time (ms)';
    case 'stopReason':
      return 'stop reason';
    case 'retention':
      return `fact retention ${m.from ?? 'any'} → ${m.to ?? 'any'}`;
    case 'waitP95':
      return `wait p95 (ms)${m.agent ? ` of ${m.agent}` : ''}`;
    case 'deadlineMisses':
      return `deadline misses${m.agent ? ` of ${m.agent}` : ''}`;
    default:
      return m.kind;
  }
}

const SHAPE: Record<MetricKind, MetricShape> = {
  goals: 'rate',
  goal: 'rate',
  attack: 'rate',
  cost: 'mean',
  tokensIn: 'mean',
  tokensOut: 'mean',
  steps: 'mean',
  events: 'mean',
  time: 'mean',
  stopReason: 'counts',
  retention: 'mean',
  waitP95: 'mean',
  deadlineMisses: 'mean',
};

function defaultBetter(m: MetricSpec): 'higher' | 'lower' | null {
  switch (m.kind) {
    case 'goals':
    case 'retention':
      return 'higher';
    case 'goal':
      return m.attack ? 'lower' : 'higher';
    case 'stopReason':
      return null;
    default:
      return 'lower';
  }
}

/** A metric spec with its id, name, shape and direction filled in. */
export function resolveMetric(m: MetricSpec): Metric {
  return { id: m.id ?? defaultId(m), name: m.name ?? defaultName(m), kind: m.kind, shape: SHAPE[m.kind], better: m.kind === 'stopReason' ? null : (m.better ?? defaultBetter(m)), spec: m };
}

/** What a run reports for measuring: the kernel's figures at its stop and its events. */
export interface RunFacts {
  events: readonly KernelEvent[];
  /** The kernel's verdict per goal (state.goalsMet) at the stop. */
  goals: Readonly<Record<string, boolean>>;
  stopReason: string;
  steps: number;
  tokensIn: number;
  tokensOut: number;
  cost: number;
}

/** The kernel's `sched.missed` events (of `agent`, or of every agent): deadline-class turns that completed after their deadline. */
function deadlineMisses(events: readonly KernelEvent[], agent: string | undefined): number {
  let misses = 0;
  for (const e of events) if (e.type === 'sched.missed' && (agent === undefined || e.agent === agent)) misses++;
  return misses;
}

/** The share of tracked facts that arrived over the edge's messages (msg.retained), or null when none was tracked. */
function retention(events: readonly KernelEvent[], from: string | undefined, to: string | undefined): number | null {
  let tracked = 0;
  let arrived = 0;
  for (const e of events) {
    if (e.type !== 'msg.retained' || (from !== undefined && e.from !== from) || (to !== undefined && e.to !== to)) continue;
    tracked += e.tracked.length;
    arrived += e.arrived.length;
  }
  return tracked === 0 ? null : arrived / tracked;
}

function waitP95(events: readonly KernelEvent[], agent: string | undefined): number | null {
  const waits: number[] = [];
  for (const e of events) if (e.type === 'sched.picked' && (agent === undefined || e.agent === agent)) waits.push(e.waitedMs);
  return waits.length === 0 ? null : quantile(waits, 0.95);
}

/** One metric of one run. `spec` is the document the run ran (its goals). */
export function measure(metric: Metric, spec: HarnessSpec, run: RunFacts): MetricValue {
  const m = metric.spec;
  switch (m.kind) {
    case 'goals':
      return spec.goals.every((g) => run.goals[g.id] === true);
    case 'goal':
      return run.goals[m.goal] === true;
    case 'attack':
      return attackSucceeded(run.events, { tool: m.tool, contains: m.contains });
    case 'cost':
      return run.cost;
    case 'tokensIn':
      return run.tokensIn;
    case 'tokensOut':
      return run.tokensOut;
    case 'steps':
      return run.steps;
    case 'events':
      return run.events.length;
    case 'time':
      return run.events.length === 0 ? 0 : run.events[run.events.length - 1]!.t;
    case 'stopReason':
      return run.stopReason;
    case 'retention':
      return retention(run.events, m.from, m.to);
    case 'waitP95':
      return waitP95(run.events, m.agent);
    case 'deadlineMisses':
      return deadlineMisses(run.events, m.agent);
  }
}
