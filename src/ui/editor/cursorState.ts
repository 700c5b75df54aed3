/**
 * The canvas at the scrubber's cursor: the kernel's cursorView of the state the run slice holds
 * for the cursor (the page's projection, or the worker's answer for a long run), derived once per
 * cursor state and shared by every node and edge. Each node selects its own flat record and
 * compares it field by field, so a cursor move re-draws only the nodes whose facts changed; a
 * node that is not mounted (out of view, or the far view's picture) costs nothing.
 */
import { useRef } from 'react';
import { cursorView, type AgentAtCursor, type ChannelAtCursor, type CursorView, type KernelEvent, type KernelState, type ToolAtCursor } from '../../kernel';
import { useStudio, type StudioState } from '../../store';

let memoState: KernelState | null = null;
let memoEvent: KernelEvent | undefined;
let memoView: (CursorView & { run: string }) | null = null;
let memoAt = Number.NEGATIVE_INFINITY;

/** How often the graph follows a streaming run (ms). */
const STREAMING_MS = 400;

/** The event the cursor's state is after, when the page holds it. */
function eventOf(s: StudioState, seq: number): KernelEvent | undefined {
  const held = s.events[seq];
  if (held !== undefined) return held;
  return s.cursorEvent?.seq === seq ? s.cursorEvent : undefined;
}

/** What each node is doing at the cursor (null with no run shown). Recomputed only when the cursor's state or event changes. */
export function cursorViewOf(s: StudioState): CursorView | null {
  const state = s.cursorState;
  if (state === null || s.runId === null) return null;
  const event = eventOf(s, state.seq);
  // Following a streaming run, the graph is redrawn a few times a second, not at every state the
  // run views take: a hundred nodes' badges changing ten times a second cost the stream its frames.
  const streaming = s.status === 'running' && s.follow && memoView !== null && memoView.run === s.runId;
  if (streaming && performance.now() - memoAt < STREAMING_MS) return memoView;
  if (state !== memoState || event !== memoEvent) {
    memoAt = performance.now();
    memoState = state;
    memoEvent = event;
    memoView = { ...cursorView(state, event), run: s.runId };
  }
  return memoView;
}

/** True when two flat records hold the same values (cursorView's records are flat). */
export function sameFacts<T extends object>(a: T | null, b: T | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const k in x) if (x[k] !== y[k]) return false;
  for (const k in y) if (!(k in x)) return false;
  return true;
}

/** One record of the cursor view, kept the same object while its values do not change (no re-render). */
function useFacts<T extends object>(pick: (v: CursorView) => T | undefined): T | null {
  const kept = useRef<T | null>(null);
  return useStudio((s) => {
    const v = cursorViewOf(s);
    const next = v === null ? null : (pick(v) ?? null);
    if (!sameFacts(kept.current, next)) kept.current = next;
    return kept.current;
  });
}

/** The agent's record at the cursor, or null. */
export function useAgentAtCursor(id: string): AgentAtCursor | null {
  return useFacts((v) => v.agents[id]);
}

/** The tool's record at the cursor (only when a call is open on it or decided at the cursor), or null. */
export function useToolAtCursor(id: string): ToolAtCursor | null {
  return useFacts((v) => v.tools[id]);
}

/** The channel's message in flight at the cursor, or null. */
export function useChannelAtCursor(id: string): ChannelAtCursor | null {
  return useFacts((v) => v.channels[id]);
}

/** Tokens in a few characters: 950, 1.2k, 34k. */
export function shortTokens(n: number): string {
  if (n < 1000) return String(Math.round(n));
  return n < 10_000 ? `${(n / 1000).toFixed(1)}k` : `${Math.round(n / 1000)}k`;
}

/** Money in a few characters: $0.0012, $0.42, $12. */
export function shortCost(n: number): string {
  if (n === 0) return '$0';
  return n < 0.01 ? `$${n.toPrecision(2)}` : n < 10 ? `$${n.toFixed(2)}` : `$${Math.round(n)}`;
}

/** The window fill as a whole percentage. */
export function fillPercent(a: Pick<AgentAtCursor, 'windowTokens' | 'window'>): number {
  return a.window > 0 ? Math.round((100 * a.windowTokens) / a.window) : 0;
}

/** The agent's budget group use as a whole percentage of its tightest quota, or null without one. */
export function groupPercent(a: AgentAtCursor): number | null {
  const parts: number[] = [];
  if (a.groupTokensQuota !== null && a.groupTokens !== null && a.groupTokensQuota > 0) parts.push(a.groupTokens / a.groupTokensQuota);
  if (a.groupCostQuota !== null && a.groupCost !== null && a.groupCostQuota > 0) parts.push(a.groupCost / a.groupCostQuota);
  return parts.length === 0 ? null : Math.round(100 * Math.max(...parts));
}

/** How a tool's decision reads on hover: the rule and its scope, the deciding module, the reason. */
export function decisionTitle(t: ToolAtCursor): string {
  const rule = t.rule === null ? 'no rule' : `rule ${t.rule}${t.scope === null ? '' : ` (${t.scope})`}`;
  return `${t.decision ?? 'undecided'} by ${rule} · ${t.module ?? 'kernel'}${t.decidedFor === null ? '' : ` · call of ${t.decidedFor}`}${t.reason ? ` — ${t.reason}` : ''}`;
}
