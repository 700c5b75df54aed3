/**
 * The stop conditions in force besides goals, for the Termination panel: the document's limits
 * against what the run has used at the cursor, and the livelock detector's thresholds.
 */
import type { HarnessSpec, KernelState } from '../../kernel';
import { formatCost, formatTokens, formatVt } from '../run/format';

export interface LimitRow {
  id: 'steps' | 'tokens' | 'cost' | 'time';
  label: string;
  used: string;
  /** The limit, null when there is none. */
  max: string | null;
  /** used / max in 0..1, null without a limit. */
  share: number | null;
}

type Used = Pick<KernelState, 'steps' | 'tokensIn' | 'tokensOut' | 'cost' | 'now'>;
const NOTHING_USED: Used = { steps: 0, tokensIn: 0, tokensOut: 0, cost: 0, now: 0 };

const share = (used: number, max: number | undefined): number | null => (max === undefined || max <= 0 ? null : Math.min(1, used / max));

/** Steps (agent turns), tokens (in + out), cost and virtual time: used at the cursor against the limit. */
export function limitRows(state: Readonly<Used> | null, limits: HarnessSpec['limits']): LimitRow[] {
  const s = state ?? NOTHING_USED;
  const tokens = s.tokensIn + s.tokensOut;
  return [
    { id: 'steps', label: 'Steps', used: String(s.steps), max: String(limits.maxSteps), share: share(s.steps, limits.maxSteps) },
    { id: 'tokens', label: 'Tokens', used: formatTokens(tokens), max: limits.maxTokens === undefined ? null : formatTokens(limits.maxTokens), share: share(tokens, limits.maxTokens) },
    { id: 'cost', label: 'Cost', used: formatCost(s.cost), max: limits.maxCost === undefined ? null : formatCost(limits.maxCost), share: share(s.cost, limits.maxCost) },
    { id: 'time', label: 'Virtual time', used: formatVt(s.now), max: limits.maxTimeMs === undefined ? null : formatVt(limits.maxTimeMs), share: share(s.now, limits.maxTimeMs) },
  ];
}

/** One livelock test and its threshold, in words. */
export interface LivelockRow {
  id: 'repeat' | 'window' | 'similarity';
  label: string;
  rule: string;
  /** False when the test is turned off (similarity 1) or the detector is disabled. */
  on: boolean;
}

/** The three tests of term/livelock.ts with the document's thresholds. */
export function livelockRows(livelock: HarnessSpec['term']['livelock']): LivelockRow[] {
  const pct = Math.round(livelock.similarity * 100);
  return [
    { id: 'repeat', label: 'Repeat', rule: `one agent makes the same move and gets the same result ${livelock.repeat} turns in a row`, on: livelock.enabled },
    { id: 'window', label: 'Oscillation', rule: `the last ${livelock.window} turns alternate between two states (A-B-A-B…)`, on: livelock.enabled },
    {
      id: 'similarity',
      label: 'Similar outputs',
      rule: livelock.similarity >= 1 ? 'off (similarity threshold 100%)' : `${livelock.similarRounds} outputs in a row each over ${pct}% alike the one before, with nothing new observed`,
      on: livelock.enabled && livelock.similarity < 1,
    },
  ];
}
