/**
 * The generations streaming now in one run: what a real model has said so far in each turn in
 * flight, kept from its streamed deltas. Ephemeral: never a trace event, never stored; the UI gets
 * the whole (small) list with the next batch after it changed, so a fast stream costs at most one
 * message per frame. A generation is dropped when its turn completes, fails or is preempted, or
 * the run stops; the trace then holds what it really said.
 */
import type { KernelEvent } from '../kernel';
import type { ModelDelta } from '../providers';
import type { LiveGeneration, LiveToolCall } from './api';
import type { McpCallRequest } from '../kernel';

/** Characters of each generation's text kept for the UI (it shows the last ~200). */
export const LIVE_TAIL_CHARS = 400;

const keyOf = (agent: string, turn: number): string => `${agent}\u0000${turn}`;

/** Events that end every generation of their agent in flight (a failed attempt — a retry streams anew —, a preemption, the agent leaving). */
const ENDS_AGENT: ReadonlySet<string> = new Set(['infer.failed', 'job.failed', 'sched.preempted', 'agent.finished', 'agent.blocked']);

export class LiveGenerations {
  private readonly open = new Map<string, LiveGeneration>();
  /** MCP calls that reported progress and have not returned, by call id. */
  private readonly calls = new Map<string, LiveToolCall>();
  private callsChanged = false;
  /** Turns that completed: a delta arriving late for one of them is not a new generation. */
  private readonly completed = new Set<string>();
  private changed = false;

  /** @param onChange called when the list changed (the run asks its batcher for a frame). */
  constructor(private readonly onChange: () => void) {}

  /** A streamed delta of a live call (ModelCpu's onDelta). */
  add(d: ModelDelta): void {
    const key = keyOf(d.agent, d.turn);
    if (this.completed.has(key)) return;
    const prev = this.open.get(key);
    const text = (prev?.text ?? '') + d.text;
    this.open.set(key, {
      agent: d.agent, turn: d.turn, model: d.model,
      text: text.length > LIVE_TAIL_CHARS ? text.slice(text.length - LIVE_TAIL_CHARS) : text,
      chars: (prev?.chars ?? 0) + d.text.length,
      tokens: Math.max(d.tokens, prev?.tokens ?? 0),
    });
    this.mark();
  }

  /** A progress report of an MCP call running now (the hub's per-call listener). */
  progress(req: McpCallRequest, p: { progress: number; total?: number }): void {
    this.calls.set(req.callId, { agent: req.agent, callId: req.callId, server: req.server.id, tool: req.tool, progress: p.progress, ...(p.total !== undefined ? { total: p.total } : {}) });
    this.callsChanged = true;
    this.onChange();
  }

  /** Reads a kernel event as it is emitted: a completed, failed or preempted turn is no longer live. */
  observe(e: KernelEvent): void {
    if (this.calls.size > 0) this.observeCall(e);
    if (this.open.size === 0 && e.type !== 'infer.completed') return;
    if (e.type === 'infer.completed') {
      const key = keyOf(e.agent, e.turn);
      this.completed.add(key);
      if (this.open.delete(key)) this.mark();
    } else if (e.type === 'run.stopped') {
      this.clear();
    } else if (e.agent !== undefined && (ENDS_AGENT.has(e.type) || /\.(failed|aborted|preempted)$/.test(e.type))) {
      for (const [key, g] of this.open) if (g.agent === e.agent && this.open.delete(key)) this.mark();
    }
  }

  /** A returned call, or the run's stop, ends the call's progress row. */
  private observeCall(e: KernelEvent): void {
    const callId = (e as { callId?: unknown }).callId;
    const ended =
      e.type === 'run.stopped' ? [...this.calls.keys()]
      : e.type === 'tool.returned' && typeof callId === 'string' ? [callId]
      : e.agent !== undefined && ENDS_AGENT.has(e.type) ? [...this.calls.values()].filter((c) => c.agent === e.agent).map((c) => c.callId)
      : [];
    for (const id of ended) if (this.calls.delete(id)) this.callsChanged = true;
    if (this.callsChanged) this.onChange();
  }

  /** The MCP calls reporting progress, when that list changed since the last take; undefined otherwise. */
  takeCalls(): LiveToolCall[] | undefined {
    if (!this.callsChanged) return undefined;
    this.callsChanged = false;
    return [...this.calls.values()];
  }

  /** Drops every generation (the run stopped, or stopped being driven here). */
  clear(): void {
    if (this.calls.size > 0) {
      this.calls.clear();
      this.callsChanged = true;
      this.onChange();
    }
    if (this.open.size === 0) return;
    this.open.clear();
    this.mark();
  }

  /** The generations in flight, when the list changed since the last take; undefined otherwise. */
  take(): LiveGeneration[] | undefined {
    if (!this.changed) return undefined;
    this.changed = false;
    return [...this.open.values()];
  }

  private mark(): void {
    this.changed = true;
    this.onChange();
  }
}
