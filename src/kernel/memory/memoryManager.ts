import type { Proc } from '../state/state';
import type { KernelEventBody } from '../trace/events';
import { evictionPolicy } from './evictionPolicy';
import { isEvictable, type Segment } from './segment';

/** The pressure level of an agent's window now: decideMemory has nothing to say while it equals `p.pressure` and is not 'compact'. */
export function pressureLevel(p: Proc): 'ok' | 'warn' | 'compact' {
  const share = p.contextTokens / p.window;
  return share >= p.memory.compactAt ? 'compact' : share >= p.memory.warnAt ? 'warn' : 'ok';
}

/**
 * Memory pressure (MemGPT: warn at 75%, flush at 90% of the window; both per agent): announce
 * a level change; at the compact level, summarise the oldest half of the evictable messages
 * into one summary segment (facts and pinned segments stay verbatim); if nothing is left to
 * summarise, evict by the agent's policy until under the warn level. One event per call.
 */
export function decideMemory(p: Proc, now: number, nextSeg: number, countTokens: (text: string) => number): KernelEventBody | null {
  const { warnAt, compactAt } = p.memory;
  const share = p.contextTokens / p.window;
  const level = pressureLevel(p);
  if (level !== p.pressure) {
    return { type: 'mem.pressure', agent: p.id, level, tokens: p.contextTokens, window: p.window, share, threshold: level === 'compact' ? compactAt : warnAt };
  }
  if (level !== 'compact') return null;
  const ref = (x: Segment) => ({ id: x.id, kind: x.kind, tokens: x.tokens });
  // Older summaries fold into the new one: a recursive summary, as MemGPT's queue head.
  const candidates = p.context.filter((x) => isEvictable(x) && (x.kind === 'message' || x.kind === 'tool' || x.kind === 'retrieved' || x.kind === 'summary'));
  if (candidates.length >= 2) {
    const oldest = candidates.slice(0, Math.max(2, Math.ceil(candidates.length / 2)));
    const gist = (x: Segment): string => (x.kind === 'summary' ? x.text.replace(/^Summary of \d+ earlier segments: /, '') : x.text.split(/\s+/).slice(0, 10).join(' '));
    const text = `Summary of ${oldest.length} earlier segments: ${oldest.map(gist).join(' / ')}`;
    const tokens = countTokens(text);
    const dropped = oldest.reduce((n, x) => n + x.tokens, 0);
    if (tokens < dropped) {
      const keptFacts = p.context.filter((x) => x.fact).length;
      return {
        type: 'mem.compacted', agent: p.id, summarized: oldest.map(ref), keptFacts, freed: dropped - tokens,
        summary: { id: `s${nextSeg}`, text, tokens }, tokens: p.contextTokens - dropped + tokens,
      };
    }
  }
  const policy = evictionPolicy(p.memory.eviction);
  const victims: Segment[] = [];
  let tokens = p.contextTokens;
  const byId = new Map(p.context.map((x) => [x.id, x]));
  for (const id of policy.victims(p.context, now, p.memory.k)) {
    if (tokens < warnAt * p.window) break;
    const v = byId.get(id)!;
    victims.push(v);
    tokens -= v.tokens;
  }
  if (victims.length === 0) return null;
  return { type: 'mem.evicted', agent: p.id, policy: policy.name, segments: victims.map(ref), freed: p.contextTokens - tokens, tokens };
}
