/**
 * The asks a human has not answered yet, read from the kernel state (each asking agent's open
 * call holds its `tool.asked` seq and decision). The kernel, the CLI and the studio's approval
 * prompt (through the run projection, the same reducer) all read them here. Pure.
 */
import type { DecisionRecord } from '../trust/types';
import type { KernelState } from './state';

/** One open ask: the waiting agent, its call and arguments, and the decision that asked. */
export interface OpenAsk {
  agent: string;
  callId: string;
  tool: string;
  args: Readonly<Record<string, unknown>>;
  /** seq of the `tool.asked` event. */
  seq: number;
  decision: DecisionRecord;
}

/** The open asks in process-table order; none once the run has stopped (a stopped run takes no answer). */
export function openAsks(s: Readonly<KernelState>): OpenAsk[] {
  if (s.stopped !== null) return [];
  return Object.values(s.procs).flatMap((p) => {
    const call = p.call;
    return call?.asked ? [{ agent: p.id, callId: call.callId, tool: call.tool, args: call.args, seq: call.asked.seq, decision: call.asked.decision }] : [];
  });
}
