/**
 * The context window of one process as a stacked bar: tokens per segment kind, each as a
 * share of the window, and where the warn and compact thresholds fall. Pure, from the
 * process at the cursor.
 */
import { specDefaults, type Proc, type SegmentKind } from '../../kernel';

/** Bar order: what the harness pins first, then what the run brings in. */
export const KIND_ORDER: readonly SegmentKind[] = ['system', 'core', 'fact', 'summary', 'message', 'tool', 'retrieved'];

export interface BarPart {
  kind: SegmentKind;
  tokens: number;
  count: number;
  /** tokens / window (0 when the window is unknown). */
  share: number;
}

export interface WindowBar {
  window: number;
  used: number;
  free: number;
  /** used / window, unclamped: above 1 when the window overflows. */
  share: number;
  /** Kinds present in the window, in KIND_ORDER; kinds with no segments are left out. */
  parts: BarPart[];
  warnAt: number;
  compactAt: number;
  /** The bar's full width in tokens: the window, or what is used when it overflows. */
  scale: number;
  level: 'ok' | 'warn' | 'compact';
}

export function deriveBar(proc: Pick<Proc, 'context' | 'window' | 'memory'>): WindowBar {
  const window = proc.window > 0 ? proc.window : 0;
  const byKind = new Map<SegmentKind, { tokens: number; count: number }>();
  let used = 0;
  for (const s of proc.context ?? []) {
    const tokens = Number.isFinite(s.tokens) ? s.tokens : 0;
    const acc = byKind.get(s.kind) ?? { tokens: 0, count: 0 };
    acc.tokens += tokens;
    acc.count += 1;
    byKind.set(s.kind, acc);
    used += tokens;
  }
  const known = new Set<string>(KIND_ORDER);
  const kinds = [...KIND_ORDER, ...[...byKind.keys()].filter((k) => !known.has(k))];
  const parts: BarPart[] = kinds.flatMap((kind) => {
    const acc = byKind.get(kind);
    return acc ? [{ kind, tokens: acc.tokens, count: acc.count, share: window > 0 ? acc.tokens / window : 0 }] : [];
  });
  const warnAt = proc.memory?.warnAt ?? specDefaults.memory.warnAt;
  const compactAt = proc.memory?.compactAt ?? specDefaults.memory.compactAt;
  const share = window > 0 ? used / window : 0;
  const level = share >= compactAt ? 'compact' : share >= warnAt ? 'warn' : 'ok';
  return { window, used, free: Math.max(0, window - used), share, parts, warnAt, compactAt, scale: Math.max(window, used, 1), level };
}
