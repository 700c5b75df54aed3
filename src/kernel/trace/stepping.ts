/**
 * Where each of the debugger's steps stops, defined once from the kernel's events (the studio
 * seeks through the recorded past with it, and the worker drives a live run until it says stop).
 * The DevTools words map onto a harness run like this:
 *
 * - the **focus** is the agent of the event at the cursor (or the nearest one before it that has
 *   an agent), unless the person picked an agent; an agent that finished (or whose job failed)
 *   acts no more, so a step from there follows any agent. A step that follows an agent also stops
 *   where it finishes or fails (DevTools: stepping past a return lands in the caller);
 * - a **turn** is one inference of an agent, ending at its `infer.completed` (its action);
 * - **step event**: the next event;
 * - **step over**: to the end of the focus's next turn; other agents' events and the calls its
 *   action makes run without stopping (DevTools: run the next statement, calls included);
 * - **step into**: to where the focus's action is handled: the `tool.called` that opens its tool
 *   call, or the `agent.woke` where another agent takes up a message it sent. On an event of an
 *   open tool call, the call's next event. An action that opens nothing makes it a step over;
 * - **step out**: until the agent acts again (its next `infer.completed`): the picked agent; else,
 *   inside a tool call, the call's agent (its turn after the return); else the agent whose message
 *   the focus is handling (the caller: the `from` of the focus's last `agent.woke`, unless it
 *   blocked since); else the focus;
 * - **run to cursor**: from the run's head until an event at the same place as the one at the
 *   cursor (same type, agent and tool), like DevTools' "Continue to here".
 */
import type { KernelEvent } from './events';

export type StepKind = 'event' | 'over' | 'into' | 'out' | 'cursor';

export interface StepRequest {
  kind: StepKind;
  /** The seq the step starts from (the cursor); the stop is after it. */
  at: number;
  /** The agent the person picked: the focus of over / into, the agent step out waits for. */
  agent?: string;
  /** `cursor` only: the seq of the event whose place to run to. */
  place?: number;
}

/** Events by seq (holes allowed: a windowed run holds only part of the trace). */
export type EventsBySeq = ArrayLike<KernelEvent | undefined>;

/** A step in progress: told each event after `at` in order, it says whether the step stops there. */
export interface Stepper {
  readonly kind: StepKind;
  /** The agent the step follows (null: none could be found, any agent's turn counts). */
  readonly agent: string | null;
  stopsAt(e: KernelEvent): boolean;
}

/** How far back the focus and the caller are looked for. */
const LOOK_BACK = 5000;

/** The agent of the event at `at`, or of the nearest one before it that has one. */
export function focusAt(events: EventsBySeq, at: number): string | null {
  for (let i = at; i >= 0 && i > at - LOOK_BACK; i--) {
    const a = events[i]?.agent;
    if (a !== undefined) return a;
  }
  return null;
}

/** The agent whose message `agent` is handling at `at`: its last wake's sender, unless it blocked again since. */
export function callerAt(events: EventsBySeq, at: number, agent: string): string | null {
  for (let i = at; i >= 0 && i > at - LOOK_BACK; i--) {
    const e = events[i];
    if (e?.agent !== agent) continue;
    if (e.type === 'agent.blocked' || e.type === 'agent.finished') return null;
    if (e.type === 'agent.woke') return e.from !== agent ? e.from : null;
  }
  return null;
}

/** The tool call an event belongs to while the call is open (called, decided, asked, approved). */
function openCallOf(e: KernelEvent | undefined): string | null {
  if (!e) return null;
  switch (e.type) {
    case 'tool.called':
    case 'tool.allowed':
    case 'tool.asked':
    case 'tool.approved':
      return e.callId;
    default:
      return null;
  }
}

const isTurnEnd = (e: KernelEvent, agent: string | null) => e.type === 'infer.completed' && (agent === null || e.agent === agent);

/** The agent will never act again from this event on: it finished, or its job failed. */
const ends = (e: KernelEvent, agent: string | null) => agent !== null && e.agent === agent && (e.type === 'agent.finished' || e.type === 'job.failed');

/** True when `agent` finished or failed at or before `at`: a step that follows it follows any agent instead. */
export function doneAt(events: EventsBySeq, at: number, agent: string): boolean {
  for (let i = at; i >= 0 && i > at - LOOK_BACK; i--) {
    const e = events[i];
    if (e && ends(e, agent)) return true;
  }
  return false;
}

/** The place of an event for run-to-cursor: type, agent and tool. */
function placeOf(e: KernelEvent): string {
  const tool = 'tool' in e && typeof e.tool === 'string' ? e.tool : '';
  return `${e.type}\u0000${e.agent ?? ''}\u0000${tool}`;
}

/** The step `req` as a stop predicate, given the events up to `req.at` (what came before decides focus and caller). */
export function stepper(events: EventsBySeq, req: StepRequest): Stepper {
  const found = req.agent ?? focusAt(events, req.at);
  // An agent that will not act again cannot be stepped with: the next turn of any agent is (DevTools: a return steps to the caller).
  const focus = found !== null && doneAt(events, req.at, found) ? null : found;
  switch (req.kind) {
    case 'event':
      return { kind: 'event', agent: focus, stopsAt: () => true };
    case 'over':
      return { kind: 'over', agent: focus, stopsAt: (e) => isTurnEnd(e, focus) || ends(e, focus) };
    case 'into': {
      const here = events[req.at];
      const call = openCallOf(here);
      if (call !== null) return { kind: 'into', agent: focus, stopsAt: (e) => 'callId' in e && e.callId === call };
      // The end of the turn in progress (when the cursor is inside one) is passed on the way to its action.
      let passedTurnEnd = here !== undefined && isTurnEnd(here, focus);
      return {
        kind: 'into',
        agent: focus,
        stopsAt: (e) => {
          if (focus !== null && e.type === 'tool.called' && e.agent === focus) return true;
          if (focus !== null && e.type === 'agent.woke' && e.from === focus && e.agent !== focus) return true;
          if (ends(e, focus)) return true;
          if (!isTurnEnd(e, focus)) return false;
          if (passedTurnEnd || focus === null) return true;
          passedTurnEnd = true;
          return false;
        },
      };
    }
    case 'out': {
      // Inside a tool call, its agent is the caller; inside a message's handling, the sender is.
      const inCall = events[req.at] !== undefined && 'callId' in events[req.at]!;
      const caller = focus === null || inCall ? focus : (callerAt(events, req.at, focus) ?? focus);
      const target = req.agent ?? (caller !== null && doneAt(events, req.at, caller) ? null : caller);
      return { kind: 'out', agent: target, stopsAt: (e) => isTurnEnd(e, target) || ends(e, target) };
    }
    case 'cursor': {
      const at = events[req.place ?? req.at];
      const place = at === undefined ? null : placeOf(at);
      return { kind: 'cursor', agent: at?.agent ?? null, stopsAt: (e) => place !== null && placeOf(e) === place };
    }
  }
}

/**
 * The seq where the step stops among the events held after `req.at` up to `head`, or null when
 * it stops later (the run must go on) or a hole hides part of the way.
 */
export function findStop(events: EventsBySeq, req: StepRequest, head: number): number | null {
  const s = stepper(events, req);
  for (let i = req.at + 1; i <= head; i++) {
    const e = events[i];
    if (e === undefined) return null;
    if (s.stopsAt(e)) return i;
  }
  return null;
}

/** Reads the events `from..to` (inclusive) of a run that is not held whole (a stored trace). */
export type EventPager = (from: number, to: number) => Promise<readonly KernelEvent[]>;

/** Events read per page while a step scans a stored trace. */
export const STEP_PAGE = 4096;

/**
 * `findStop` over a trace read in pages, for a run too long to be held (a windowed run): the
 * events the step looks back at (focus, caller, the place to run to) are read first, then the
 * pages after `req.at` are scanned up to `head` and let go. Null when the step does not stop by
 * `head`. Memory stays one look-back plus one page, whatever the run's length.
 */
export async function findStopPaged(read: EventPager, req: StepRequest, head: number, page = STEP_PAGE): Promise<number | null> {
  if (req.at >= head) return null;
  const back: (KernelEvent | undefined)[] = [];
  const hold = (events: readonly KernelEvent[]) => {
    for (const e of events) back[e.seq] = e;
  };
  hold(await read(Math.max(0, req.at - LOOK_BACK + 1), req.at));
  if (req.kind === 'cursor' && req.place !== undefined && back[req.place] === undefined) hold(await read(req.place, req.place));
  const s = stepper(back, req);
  for (let from = req.at + 1; from <= head; from += page) {
    const events = await read(from, Math.min(head, from + page - 1));
    if (events.length === 0) return null;
    for (const e of events) if (s.stopsAt(e)) return e.seq;
  }
  return null;
}
