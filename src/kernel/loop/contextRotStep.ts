/**
 * Context rot as an event: a sim answer that the rot curve turned into a mistake
 * (cpu/contextRot.ts) is recorded as `mem.rotted`, with the probability and the draw, right
 * before the turn's first slice, once per turn.
 */
import type { InferResult } from '../cpu/cpu';
import type { Proc } from '../state/state';
import type { KernelEvent } from '../trace/events';
import type { RunContext } from './runContext';

/** `mem.rotted` for the agent's turn, unless its answer did not rot or it was recorded already. */
export function rotStep(ctx: RunContext, p: Proc, result: InferResult): KernelEvent | undefined {
  if (!result.rot) return undefined;
  const lastSeq = ctx.lastByAgent.get(p.id);
  const last = lastSeq === undefined ? undefined : ctx.log[lastSeq];
  if (last?.type === 'mem.rotted' && last.turn === p.turn) return undefined;
  return ctx.emit({ type: 'mem.rotted', agent: p.id, turn: p.turn, ...result.rot });
}
