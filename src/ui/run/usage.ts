/**
 * A real model's token counts two ways, for the event detail: what the provider reported (what
 * the run was charged once the turn completed) beside the tokenizer's estimate (what budgets and
 * admission used beforehand), so the difference between them is visible.
 */
import type { KernelEvent } from '../../kernel';

export interface UsageRow {
  label: 'in' | 'out';
  reported: number;
  estimate: number;
  /** reported − estimate */
  diff: number;
}

/** The rows for an infer.completed whose record holds both counts; null for anything else (the sim, a provider that reported none). */
export function usageComparison(e: KernelEvent): UsageRow[] | null {
  if (e.type !== 'infer.completed' || !e.record?.reported) return null;
  const { reported, estimate } = e.record;
  return [
    { label: 'in', reported: reported.tokensIn, estimate: estimate.tokensIn, diff: reported.tokensIn - estimate.tokensIn },
    { label: 'out', reported: reported.tokensOut, estimate: estimate.tokensOut, diff: reported.tokensOut - estimate.tokensOut },
  ];
}

/** `+3`, `−2`, `±0` */
export function signed(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '±0';
}
