/**
 * A real model's turn on a slot, streamed. The CPU's Generation produces tokens in wall time;
 * the kernel cuts them into slices of virtual time. Every decision comes from token counts only
 * (see Generation.beyond), so a replay answering from the trace emits the same events:
 * - a slice of L tokens from `done` asks for more than done + L tokens or the end; it completes
 *   the turn iff the generation ended with `tokensOut <= done + L` (then `total` is known);
 * - at a boundary where the agent keeps its slot the stream just goes on; where it loses it,
 *   the stream is aborted and its partial answer recorded on `sched.preempted`;
 * - when the agent is picked again, the turn's next part starts: continued from the partial text
 *   (`resumedBy: 'prefix'`) where the provider can, asked afresh otherwise (`restart`); its
 *   prefill (the window, plus the prefix) is charged again.
 * Slices count by the tokenizer (a part's input when it starts, its output as it streams); the
 * provider's reported usage corrects both on `infer.completed` (`correction`). A fault where the
 * kernel waits on the stream is `infer.failed` (modelFaults.guardStream); the retry is a new part.
 */
import { settledGeneration, type Generation, type InferResult, type PartialAnswer, type PartialOutput, type Resume } from '../cpu/cpu';
import type { Proc } from '../state/state';
import { rqOf } from '../state/reduce';
import { finiteStats } from '../sched/core';
import type { EventOf, KernelEvent, SliceCharge } from '../trace/events';
import { countTokens } from '../tokens';
import { callErrorText } from '../cpu/calls';
import type { RunContext, Step } from './runContext';
import { guardStream } from './modelFaults';
import { kvReportStep, reportedCache } from './kvCacheStep';

/**
 * On a model with a prefix cache, the correction by the provider's report prices its cached
 * tokens at the cached rate: what the reported usage costs minus what the part's prefill and
 * output were charged at the modelled hit (null: no cache, or nothing reported).
 */
function cacheCorrection(ctx: RunContext, p: Proc, result: InferResult, startTokensIn: number): SliceCharge | null {
  const rep = reportedCache(ctx, p, result);
  const reported = result.record?.reported;
  if (!rep || !reported) return null;
  // What the part's prefill was charged as cached: the modelled figure kv.reported (the event just before) replaced.
  const lastSeq = ctx.lastByAgent.get(p.id);
  const last = lastSeq === undefined ? undefined : ctx.log[lastSeq];
  const modelled = last?.type === 'kv.reported' && last.turn === p.turn ? last.modelled.cachedTokens : 0;
  const actual = ctx.charge(p, reported.tokensIn, reported.tokensOut, rep.cachedTokens);
  const charged = ctx.charge(p, startTokensIn, result.tokensOut, modelled);
  const cachedIn = (actual.cachedIn ?? 0) - (charged.cachedIn ?? 0);
  return { tokensIn: actual.tokensIn - charged.tokensIn, tokensOut: actual.tokensOut - charged.tokensOut, cost: actual.cost - charged.cost, ...(cachedIn !== 0 ? { cachedIn } : {}) };
}

type Started = EventOf<'infer.started'>;

/**
 * True when the agent's model is a real one (not the sim): its turns go through a Generation,
 * the CPU's own stream, or its whole answer at once for a CPU with only `infer` — the same events
 * either way, so a live run and its replay (RecordedCpu streams) agree.
 */
export function isStreamed(ctx: RunContext, p: Proc): boolean {
  const cpu = ctx.cpuFor(p);
  return cpu.start !== undefined || cpu.provider !== 'sim';
}

/** The event that began the agent's current part of this turn (its first slice: done 0). */
function partStart(ctx: RunContext, p: Proc): Started | undefined {
  for (let i = ctx.log.length - 1; i >= 0; i--) {
    const e = ctx.log[i]!;
    if (e.agent !== p.id) continue;
    if (e.type === 'infer.completed') return undefined;
    if (e.type === 'infer.started' && e.done === 0) return e.turn === p.turn ? e : undefined;
  }
  return undefined;
}

/** What the agent's last preemption in this turn left (null: none recorded). */
function lastPartial(ctx: RunContext, p: Proc): PartialAnswer | null {
  for (let i = ctx.log.length - 1; i >= 0; i--) {
    const e = ctx.log[i]!;
    if (e.agent !== p.id) continue;
    // A part that failed left nothing to continue: its retry restarts.
    if (e.type === 'infer.completed' || e.type === 'infer.failed') return null;
    if (e.type === 'sched.preempted' && e.partial) return e.partial.turn === p.turn ? e.partial : null;
  }
  return null;
}

function resumeAt(ctx: RunContext, p: Proc, part: number): Resume {
  return { part, partial: lastPartial(ctx, p) ?? { turn: p.turn, part: part - 1, text: '', calls: [], tokensOut: 0, response: {} } };
}

function open(ctx: RunContext, p: Proc, resume: Resume | undefined): Generation {
  const cpu = ctx.cpuFor(p);
  const gen = cpu.start ? cpu.start(ctx.request(p), resume) : settledGeneration(cpu.infer(ctx.request(p)), resume ? 'restart' : null);
  ctx.generations.set(p.id, { turn: p.turn, gen });
  return gen;
}

/** The generation of the agent's current part: the one in flight, or (after a seek or restore) asked again, from the record where the trace has it. */
function generationOf(ctx: RunContext, p: Proc): Generation {
  const held = ctx.generations.get(p.id);
  if (held && held.turn === p.turn) return held.gen;
  const part = partStart(ctx, p)?.part ?? 0;
  return open(ctx, p, part > 0 ? resumeAt(ctx, p, part) : undefined);
}

/** Emits a slice of the generation from `done`, once its tokens (or its end) are there. */
function slice(ctx: RunContext, p: Proc, gen: Generation, done: number, tokensIn: number, extra: Partial<Started>): Step {
  const length = ctx.sliceFor(p);
  const started = (r: InferResult | null): KernelEvent => {
    const model = ctx.models.get(p.model)!;
    const total = r !== null && r.tokensOut <= done + length ? r.tokensOut : null;
    const n = total === null ? length : Math.max(0, total - done);
    const ms = Math.max(1, Math.round((n / model.tokensPerSecond) * 1000 + (tokensIn / (model.tokensPerSecond * 20)) * 1000));
    return ctx.emit({ type: 'infer.started', agent: p.id, model: p.model, slot: p.slot, turn: p.turn, tokensIn, total, done, slice: n, until: ctx.s.now + ms, ...extra });
  };
  // An unbounded slice (fifo without a budget) waits for the end: the generation is one slice.
  const r = Number.isFinite(length) ? gen.beyond(done + length) : gen.result();
  return r instanceof Promise ? r.then(started) : started(r);
}

/** The first slice of a turn, or of the part after a preemption (a new request: continued by prefix or restarted). */
export function startStreamed(ctx: RunContext, p: Proc): Step {
  return guardStream(ctx, p, () => startPart(ctx, p));
}

function startPart(ctx: RunContext, p: Proc): Step {
  const resumed = p.gen !== null && p.gen.turn === p.turn;
  const part = resumed ? (partStart(ctx, p)?.part ?? 0) + 1 : 0;
  const resume = resumed ? resumeAt(ctx, p, part) : undefined;
  const gen = open(ctx, p, resume);
  const prefixTokens = gen.resumedBy === 'prefix' ? countTokens(resume!.partial.text, p.encoding) : 0;
  const extra: Partial<Started> = gen.resumedBy === null ? {} : { part, resumedBy: gen.resumedBy, ...(gen.resumedBy === 'prefix' ? { prefixTokens } : {}) };
  return slice(ctx, p, gen, 0, p.contextTokens + prefixTokens, extra);
}

/** The agent kept its slot at a boundary: the same stream goes on. */
export function continueStreamed(ctx: RunContext, p: Proc): Step {
  return guardStream(ctx, p, () => slice(ctx, p, generationOf(ctx, p), p.gen!.done, 0, {}));
}

/** The end of a streamed slice: a boundary (no waiting: the slice's tokens were there when it started), or the turn's answer. */
export function endStreamed(ctx: RunContext, p: Proc): Step {
  const gen = p.gen!;
  const t = p.until;
  const done = gen.done + gen.slice;
  if (gen.total === null || done < gen.total) {
    const { cls, rq } = rqOf(ctx.s, p);
    return ctx.emit({ type: 'infer.sliced', agent: p.id, model: p.model, slot: p.slot, turn: p.turn, done, remaining: gen.total === null ? null : gen.total - done, slice: ctx.charge(p, gen.prefill, gen.slice, gen.cachedIn), until: t, stats: finiteStats(cls.stats(rq, p.id, ctx.s.now)) }, t);
  }
  const finish = (result: InferResult): KernelEvent => {
    // A model with a prefix cache: the provider's cached tokens are recorded first (kv.reported).
    const report = kvReportStep(ctx, p, result);
    if (report) return report;
    ctx.generations.delete(p.id);
    const start = partStart(ctx, p);
    const slice = ctx.charge(p, gen.prefill, gen.slice, gen.cachedIn);
    // The provider's counts replace the estimates the part was sliced and charged by.
    const reported = result.record?.reported;
    const correction = reported ? cacheCorrection(ctx, p, result, start?.tokensIn ?? 0) ?? ctx.charge(p, reported.tokensIn - (start?.tokensIn ?? 0), reported.tokensOut - result.tokensOut) : null;
    const fixed = correction && (correction.tokensIn !== 0 || correction.tokensOut !== 0 || (correction.cachedIn ?? 0) !== 0) ? correction : null;
    return ctx.emit({
      type: 'infer.completed', agent: p.id, model: p.model, slot: p.slot, turn: p.turn, pc: result.nextPc,
      tokensIn: gen.spent.tokensIn + slice.tokensIn + (fixed?.tokensIn ?? 0), tokensOut: (reported?.tokensOut ?? result.tokensOut) + (start?.prefixTokens ?? 0),
      cost: gen.spent.cost + slice.cost + (fixed?.cost ?? 0), text: result.text, action: result.action, slice,
      ...(fixed ? { correction: fixed } : {}),
      ...(result.callError ? { callError: { ...result.callError, tokens: countTokens(callErrorText(result.callError), p.encoding) } } : {}),
      ...(result.record ? { record: result.record } : {}),
    }, t);
  };
  return guardStream(ctx, p, () => {
    const r = generationOf(ctx, p).result();
    return r instanceof Promise ? r.then(finish) : finish(r);
  });
}

/** The agent loses its slot at a boundary: its stream is aborted, and what it produced is the partial answer to record. */
export function abortStreamed(ctx: RunContext, p: Proc): PartialAnswer | Promise<PartialAnswer> {
  const gen = generationOf(ctx, p);
  ctx.generations.delete(p.id);
  const part = partStart(ctx, p)?.part ?? 0;
  const partial = (o: PartialOutput): PartialAnswer => ({ turn: p.turn, part, text: o.text, calls: o.calls, tokensOut: o.tokensOut, response: o.response });
  const out = gen.abort();
  return out instanceof Promise ? out.then(partial) : partial(out);
}
