/**
 * Inference on a slot: the first slice of a turn (prefilling the window), further slices of the
 * same generation, and the end of a slice (the turn completes, or a boundary is reached). The
 * sim's CPU is asked once per turn; its answer is kept so a slice boundary never asks again.
 * A real model's turn streams: streamed.ts slices it as it arrives.
 */
import type { InferResult } from '../cpu/cpu';
import type { Proc } from '../state/state';
import { rqOf } from '../state/reduce';
import { finiteStats } from '../sched/core';
import type { KernelEvent } from '../trace/events';
import type { RunContext, Step } from './runContext';
import { countTokens } from '../tokens';
import { callErrorText } from '../cpu/calls';
import { askCpu } from './modelFaults';
import { continueStreamed, endStreamed, isStreamed, startStreamed } from './streamed';
import { kvLookupStep } from './kvCacheStep';
import { rotStep } from './contextRotStep';

/** Starts a slice: the first of a turn (prefilling the context) or the first after a preemption. */
export function startInference(ctx: RunContext, p: Proc): Step {
  // A model with a prefix cache looks the prompt up first (kv.evicted, kv.matched): the prefill is priced by it.
  const looked = kvLookupStep(ctx, p);
  if (looked) return looked;
  if (isStreamed(ctx, p)) return startStreamed(ctx, p);
  const started = (result: InferResult): KernelEvent => {
    ctx.inferences.set(p.id, { turn: p.turn, result });
    const model = ctx.models.get(p.model)!;
    const done = p.gen?.turn === p.turn ? p.gen.done : 0;
    // Context rot: the mistake and its probability are recorded once, before the turn's first slice.
    const rotted = done === 0 ? rotStep(ctx, p, result) : undefined;
    if (rotted) return rotted;
    const slice = Math.min(ctx.sliceFor(p), result.tokensOut - done);
    // A real model's reported input count is charged; the estimate was the figure for admission.
    const tokensIn = result.tokensIn ?? p.contextTokens;
    // Prefill is ~20× faster than decoding; a preempted generation is re-prefilled on resume.
    // Virtual time comes from token counts (recorded for a real model), never from wall time: a replay repeats it.
    const ms = Math.max(1, Math.round((slice / model.tokensPerSecond) * 1000 + (tokensIn / (model.tokensPerSecond * 20)) * 1000));
    return ctx.emit({ type: 'infer.started', agent: p.id, model: p.model, slot: p.slot, turn: p.turn, tokensIn, total: result.tokensOut, done, slice, until: ctx.s.now + ms });
  };
  const cached = ctx.inferences.get(p.id);
  if (cached && cached.turn === p.turn) return started(cached.result);
  // A failed call is an event (infer.failed), not a crash: modelFaults.ts decides what follows.
  return askCpu(ctx, p, started);
}

/** A further slice of the same generation, with no prefill. */
export function continueInference(ctx: RunContext, p: Proc): Step {
  const gen = p.gen!;
  if (gen.total === null || isStreamed(ctx, p)) return continueStreamed(ctx, p);
  const model = ctx.models.get(p.model)!;
  const slice = Math.min(ctx.sliceFor(p), gen.total - gen.done);
  const ms = Math.max(1, Math.round((slice / model.tokensPerSecond) * 1000));
  return ctx.emit({ type: 'infer.started', agent: p.id, model: p.model, slot: p.slot, turn: p.turn, tokensIn: 0, total: gen.total, done: gen.done, slice, until: ctx.s.now + ms });
}

/** The clock reached the end of a slice: the generation completes, or pauses at a boundary. */
export function endSlice(ctx: RunContext, p: Proc): Step {
  const gen = p.gen!;
  if (gen.total === null || isStreamed(ctx, p)) return endStreamed(ctx, p);
  const t = p.until;
  const done = gen.done + gen.slice;
  const slice = ctx.charge(p, gen.prefill, gen.slice, gen.cachedIn);
  if (done < gen.total) {
    const { cls, rq } = rqOf(ctx.s, p);
    return ctx.emit({ type: 'infer.sliced', agent: p.id, model: p.model, slot: p.slot, turn: p.turn, done, remaining: gen.total - done, slice, until: t, stats: finiteStats(cls.stats(rq, p.id, ctx.s.now)) }, t);
  }
  const finish = (result: InferResult): KernelEvent => {
    ctx.inferences.delete(p.id);
    return ctx.emit({
      type: 'infer.completed', agent: p.id, model: p.model, slot: p.slot, turn: p.turn, pc: result.nextPc,
      tokensIn: gen.spent.tokensIn + slice.tokensIn, tokensOut: result.tokensOut, cost: gen.spent.cost + slice.cost, text: result.text, action: result.action, slice,
      // Only a real model's answer carries these; sim events stay as they were.
      ...(result.callError ? { callError: { ...result.callError, tokens: countTokens(callErrorText(result.callError), p.encoding) } } : {}),
      ...(result.record ? { record: result.record } : {}),
    }, t);
  };
  const cached = ctx.inferences.get(p.id);
  if (cached && cached.turn === p.turn) return finish(cached.result);
  return askCpu(ctx, p, finish);
}
