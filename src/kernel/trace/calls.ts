/**
 * What a system call is in the trace: one `tool.called` opens it; its decision (`tool.allowed`,
 * `tool.asked`, `tool.approved`, `tool.denied`) and its `tool.returned` follow under the same
 * callId. Readers that act once per call (a breakpoint on a tool) ask here, not the event list.
 */
import type { KernelEvent } from './events';

/** The call an event opens (its id and tool), or null for every other event, later events of a call included. */
export function callOpenedBy(e: KernelEvent): { callId: string; tool: string } | null {
  return e.type === 'tool.called' ? { callId: e.callId, tool: e.tool } : null;
}
