/**
 * The asks still open at the head of a run: a `tool.asked` with no later `tool.approved` or
 * `tool.denied` for its call. Each is a calling agent waiting for a human (the others go on);
 * the approval prompt shows one card per ask. Read once per trace and advanced as events
 * arrive, like the decision log.
 */
import type { KernelEvent } from '../../kernel';

export interface PendingAsk {
  /** seq of the `tool.asked` event. */
  seq: number;
  callId: string;
  agent: string;
  tool: string;
  /** The call's arguments, from its `tool.called` ({} if the trace lacks it). */
  args: Readonly<Record<string, unknown>>;
  reason: string;
  rule: string;
  scope: string;
  module: string;
  /** Source labels of the values crossing the call. */
  taint: readonly string[];
  /** approve: a rule asks for a human; declassify: a tainted value reaches a privileged sink. */
  kind: 'approve' | 'declassify';
}

const NO_ASKS: readonly PendingAsk[] = Object.freeze([]);

export class AskTracker {
  /** seq of the last event read; -1 before any. */
  head = -1;
  /** The open asks, oldest first; a new array whenever the set changes, the same one otherwise. */
  open: readonly PendingAsk[] = NO_ASKS;

  /** Arguments of calls in flight, by call id (dropped once the call returns or is answered). */
  private readonly args = new Map<string, Readonly<Record<string, unknown>>>();

  /** Reads events up to `head` (inclusive) not read yet. `events[i].seq === i`. */
  advance(events: readonly KernelEvent[], head: number): this {
    const last = Math.min(head, events.length - 1);
    // Copied on the first change, so an unchanged set keeps its identity (and the prompt its render).
    let open: PendingAsk[] | null = null;
    for (let i = this.head + 1; i <= last; i++) {
      const e = events[i]!;
      switch (e.type) {
        case 'tool.called':
          this.args.set(e.callId, e.args);
          break;
        case 'tool.returned':
          this.args.delete(e.callId);
          break;
        case 'tool.asked':
          open ??= [...this.open];
          open.push({
            seq: e.seq, callId: e.callId, agent: e.agent, tool: e.tool, args: this.args.get(e.callId) ?? {}, reason: e.reason,
            rule: e.rule, scope: e.scope, module: e.module, taint: e.taint, kind: e.ask,
          });
          break;
        case 'tool.approved':
        case 'tool.denied': {
          this.args.delete(e.callId);
          const at = (open ?? this.open).findIndex((a) => a.callId === e.callId);
          if (at < 0) break;
          open ??= [...this.open];
          open.splice(at, 1);
          break;
        }
        case 'run.stopped':
          // A stopped run takes no input: nothing is waiting any more.
          if (this.open.length > 0 || (open !== null && open.length > 0)) open = [];
          this.args.clear();
          break;
      }
    }
    if (last > this.head) this.head = last;
    if (open) this.open = open.length === 0 ? NO_ASKS : open;
    return this;
  }
}

const cache = new WeakMap<readonly KernelEvent[], AskTracker>();

/** The asks open after event `head` of a trace (cached per events array, advanced incrementally). */
export function pendingAsks(events: readonly KernelEvent[], head: number): readonly PendingAsk[] {
  let tracker = cache.get(events);
  if (!tracker) cache.set(events, (tracker = new AskTracker()));
  return tracker.advance(events, head).open;
}

/** The arguments of a call as indented JSON text (rendered as text, never as HTML); never throws. */
export function argsText(args: Readonly<Record<string, unknown>>): string {
  try {
    return JSON.stringify(args, null, 2) ?? '{}';
  } catch {
    return '?';
  }
}
