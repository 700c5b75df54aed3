/**
 * Where the generations streaming now reach on the Gantt: each one's open bar grows from where
 * it took its slot by the tokens streamed so far at its model's rate (virtual time comes from
 * token counts, as the kernel's does). Ephemeral, like the live text: the trace decides the real
 * end when the turn completes.
 */
import type { LiveGeneration } from '../../bridge/api';
import type { KernelEvent } from '../../kernel';
import type { Timeline } from './timeline';

/** Open bar index → the virtual time its generation has reached, for each generation streaming. */
export function liveEnds(tl: Timeline, events: readonly KernelEvent[], live: readonly LiveGeneration[]): Map<number, number> {
  const out = new Map<number, number>();
  if (live.length === 0) return out;
  const first = events[0];
  const models = first?.type === 'run.started' ? (first.models as Record<string, unknown>) : {};
  for (const g of live) {
    const bar = tl.openBarOf(g.agent);
    if (bar === undefined) continue;
    const info = models[g.model];
    const rate = typeof info === 'object' && info !== null && 'tokensPerSecond' in info ? Number(info.tokensPerSecond) : NaN;
    const start = tl.bars.start[bar]!;
    const ms = Number.isFinite(rate) && rate > 0 ? (g.tokens / rate) * 1000 : g.tokens;
    out.set(bar, start + Math.max(ms, 1));
  }
  return out;
}
