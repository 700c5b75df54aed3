/**
 * Lesson "jump to" links (public/examples/index.json, kernel/spec/exampleIndex.ts) as the
 * debugger's own breakpoints: a jump is an `event` breakpoint on its type, with a condition on
 * the agent when it names one. So the worker pauses a fresh run at the jump's event with the one
 * breakpoint matcher it pauses every run with, and a recorded run is searched with that matcher too.
 */
import type { HarnessSpec, KernelEvent, LessonJump } from '../kernel';
import type { Breakpoint } from '../worker/api';
import { firstPause } from '../worker/firstPause';

/** The seed every lesson's jumps refer to. */
export const LESSON_SEED = 1;

/** The breakpoint that pauses a run at the jump's event. */
export function jumpBreakpoint(jump: Pick<LessonJump, 'type' | 'agent'>): Breakpoint {
  return {
    id: `lesson:${jump.type}:${jump.agent ?? '*'}`,
    kind: 'event',
    value: jump.type,
    enabled: true,
    ...(jump.agent === undefined ? {} : { condition: `agent == ${JSON.stringify(jump.agent)}` }),
  };
}

/**
 * The seq of the first event of `events` the jump lands on, or null when none matches: the fast
 * path for a run held whole. A windowed run is searched by the worker over its stored trace
 * (StudioApi.findPause), with the same matcher.
 */
export function firstJumpSeq(events: readonly KernelEvent[], jump: Pick<LessonJump, 'type' | 'agent'>): number | null {
  return firstPause(events, [jumpBreakpoint(jump)]);
}

/**
 * Whether a document's runs need a model endpoint (a model on a provider other than the sim): its
 * jumps cannot be checked offline, and opening one starts a run on that model.
 */
export function needsModel(spec: Pick<HarnessSpec, 'models'>): boolean {
  return spec.models.some((m) => m.provider !== 'sim');
}
