/**
 * Breakpoints as a predicate over events: `event` matches the event type, `agent` the event's
 * agent, `tool` the call of that tool, once, at the event that opens it (the kernel's
 * `callOpenedBy`); the call's decision and return are a Step away. Disabled breakpoints never match.
 */
import { callOpenedBy, type KernelEvent } from '../kernel';
import type { Breakpoint } from './api';

/** A matcher for the enabled breakpoints: the first one an event matches, or undefined. */
export function matchBreakpoint(breakpoints: readonly Breakpoint[]): (e: KernelEvent) => Breakpoint | undefined {
  const enabled = breakpoints.filter((b) => b.enabled);
  if (enabled.length === 0) return () => undefined;
  return (e) => {
    for (const b of enabled) {
      switch (b.kind) {
        case 'event':
          if (e.type === b.value) return b;
          break;
        case 'agent':
          if (e.agent === b.value) return b;
          break;
        case 'tool':
          if (callOpenedBy(e)?.tool === b.value) return b;
          break;
      }
    }
    return undefined;
  };
}
