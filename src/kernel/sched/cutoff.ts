/**
 * Task cutoff as an expected-value decision (the notes' scheduling dimension): before an
 * agent's further turn, the marginal cost of that turn is set against the marginal gain in the
 * probability that its goal is met, times what the goal is worth; it continues while
 *
 *     gain × value ≥ cost
 *
 * - cost: the agent's money per turn in the run so far (its cost ÷ its turns): what one more
 *   turn of the same kind will cost (tokens × its model's prices);
 * - gain, from an experiment when the document gives `passRates` (rate[k] = the goal's pass rate
 *   after k+1 turns): rate(n+1) − rate(n), 0 past the last;
 * - gain, otherwise, from the run so far: the goal's progress (the share of its predicates that
 *   hold) per turn so far, never more than what is left (1 − progress).
 * The numbers go on `cutoff.decided`; a `stop` finishes the agent (loop/cutoffSource.ts).
 */
import type { AgentId } from '../ids';
import type { CutoffState, KernelState } from '../state/state';
import type { EventOf } from '../trace/events';
import { idTable } from '../ids';

/** What the decision is computed from. */
export interface CutoffInputs {
  /** Turns the agent has completed (the next is turn number `turns + 1`). */
  turns: number;
  /** Money it spent in those turns. */
  spent: number;
  /** The goal's progress now, 0..1 (1: met). */
  progress: number;
  /** What meeting the goal is worth (same unit as `spent`). */
  value: number;
  /** The goal's pass rate after 1, 2, … turns, from an experiment. */
  passRates?: readonly number[];
}

/** A cutoff decision with its numbers. */
export interface CutoffDecision {
  outcome: 'continue' | 'stop';
  gain: number;
  cost: number;
  expected: number;
  source: 'progress' | 'passRates';
  why: string;
}

/** The pass rate after `n` turns (0 before any; the last rate past the end). */
function rateAfter(rates: readonly number[], n: number): number {
  if (n <= 0) return 0;
  return rates[Math.min(n, rates.length) - 1]!;
}

const fmt = (x: number): string => (x === 0 ? '0' : Math.abs(x) >= 0.01 ? x.toFixed(4) : x.toExponential(3));

/** Decides whether one more turn is worth it: continue while gain × value ≥ cost. */
export function decideCutoff(x: CutoffInputs): CutoffDecision {
  const turns = Math.max(1, x.turns);
  const cost = x.spent / turns;
  const fromRates = x.passRates !== undefined && x.passRates.length > 0;
  const gain = fromRates
    ? Math.max(0, rateAfter(x.passRates!, x.turns + 1) - rateAfter(x.passRates!, x.turns))
    : Math.max(0, Math.min(x.progress / turns, 1 - x.progress));
  const expected = gain * x.value;
  const go = expected >= cost;
  const whence = fromRates
    ? `pass rate ${fmt(rateAfter(x.passRates!, x.turns))} → ${fmt(rateAfter(x.passRates!, x.turns + 1))} after turn ${x.turns + 1}`
    : `progress ${fmt(x.progress)} over ${x.turns} turn${x.turns === 1 ? '' : 's'}${x.progress >= 1 ? ' (the goal is met)' : ''}`;
  return {
    outcome: go ? 'continue' : 'stop',
    gain,
    cost,
    expected,
    source: fromRates ? 'passRates' : 'progress',
    why: `gain ${fmt(gain)} × value ${fmt(x.value)} = ${fmt(expected)} ${go ? '≥' : '<'} cost ${fmt(cost)} per turn (${whence}): ${go ? 'another turn is worth it' : 'another turn costs more than it is expected to gain'}`,
  };
}

/** `cutoff.decided`: the agent's last decision, kept so it is made once per turn (and a stop is carried out). */
export function applyCutoffDecided(s: KernelState, e: EventOf<'cutoff.decided'>): void {
  const cutoffs = (s.cutoffs ??= idTable<CutoffState>());
  cutoffs[e.agent as AgentId] = { turn: e.turn, outcome: e.outcome, progress: e.progress };
}
