import type { Proc } from '../state/state';
import type { KernelEventBody } from '../trace/events';
import { evictionPolicy } from './evictionPolicy';
import { isEvictable, type Segment } from './segment';

const SUMMARY_HEAD = /^Summary of \d+ earlier segments:(?= )/;
const summaryHead = (n: number): string => `Summary of ${n} earlier segments:`;

/** What a segment leaves in a summary: an older summary's body whole (a recursive summary), else its first ten words. */
function gist(x: Segment): string {
  return x.kind === 'summary' ? x.text.replace(/^Summary of \d+ earlier segments: /, '') : x.text.split(/\s+/).slice(0, 10).join(' ');
}

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13) || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;

/**
 * The tokens of `head gist1 / gist2 / …` counted part by part, the same number as counting the
 * whole text: every tokenizer's pre-tokenizer starts a new piece at a space that follows a
 * non-space, so the text splits there into `head`, ` gist1`, ` /`, ` gist2`, … and its count is
 * their sum. An older summary's body is not counted again: its share is the summary's own tokens
 * less its head's. A summary folds in the one before it, so counting it whole cost the run its
 * whole length again at every compaction (a third of a long run's time). Null when a gist is
 * empty or ends in a space (the split would not hold there): then the caller counts the whole text.
 */
export function summaryTokens(oldest: readonly Segment[], gists: readonly string[], countTokens: (text: string) => number): number | null {
  let n = countTokens(summaryHead(oldest.length));
  for (let i = 0; i < oldest.length; i++) {
    const g = gists[i]!;
    if (g === '' || isSpace(g.charCodeAt(g.length - 1))) return null;
    if (i > 0) n += countTokens(' /');
    const x = oldest[i]!;
    const head = x.kind === 'summary' ? SUMMARY_HEAD.exec(x.text) : null;
    n += head ? x.tokens - countTokens(head[0]) : countTokens(` ${g}`);
  }
  return n;
}

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
    const gists = oldest.map(gist);
    const text = `${summaryHead(oldest.length)} ${gists.join(' / ')}`;
    const tokens = summaryTokens(oldest, gists, countTokens) ?? countTokens(text);
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
