/**
 * Compaction that summarises: when an agent declares `memory.summarizer` and that model runs on a
 * real endpoint, the summary of the segments leaving its window (the same ones the deterministic
 * compaction chose: memory/memoryManager.ts) is written by the model, through the CPU's summary
 * port. Fact-tagged and pinned segments are never among them, so they stay in the window
 * verbatim. The answer and its record go on `mem.compacted` (`by`), so a replay or a fork reads
 * them (RecordedCpu) and never asks again. On the sim, or with no summarizer, the gist stands.
 *
 * The model's summary is used only when it is shorter than what it replaces (else compaction
 * would free nothing and repeat); otherwise, or when the call fails, the gist is recorded with
 * the reason, so every outcome is visible in the trace.
 */
import type { Cpu, SummaryAnswer } from '../cpu/cpu';
import { isCpuFault } from '../cpu/fault';
import type { Proc } from '../state/state';
import { judgeCharge } from '../term/judgement';
import { countTokens } from '../tokens';
import type { KernelEvent, KernelEventBody } from '../trace/events';
import type { RunContext, Step } from './runContext';

type Compacted = Extract<KernelEventBody, { type: 'mem.compacted' }>;

/** The head a model's summary is given, as the gist's: an older summary folds into the next (recursive summary). */
const head = (n: number): string => `Summary of ${n} earlier segments:`;

/** Records `gist` (the deterministic compaction), or asks the agent's summarizer model for the summary when it runs on a real endpoint. */
export function compact(ctx: RunContext, p: Proc, gist: Compacted): Step {
  const name = ctx.agents.get(p.id)?.memory.summarizer;
  const model = name === undefined ? undefined : ctx.models.get(name);
  if (name === undefined || model === undefined || model.provider === 'sim') return ctx.emit(gist);
  const before = gist.freed + gist.summary.tokens;
  const fallback = (why: string, extra: Partial<NonNullable<Compacted['by']>> = {}, charge?: Compacted['charge']): KernelEvent =>
    ctx.emit({ ...gist, by: { model: name, before, after: gist.summary.tokens, fallback: why, ...extra }, ...(charge ? { charge } : {}) });
  const cpu: Cpu | undefined = ctx.cpus[model.provider];
  if (cpu?.summarize === undefined) return fallback(`no ${model.provider} endpoint can summarise for model ${name}: the gist was kept`);
  const byId = new Map(p.context.map((x) => [x.id, x]));
  const segments = gist.summarized.map((r) => {
    const x = byId.get(r.id)!;
    return { id: x.id, kind: x.kind, text: x.text };
  });
  const answered = (a: SummaryAnswer): KernelEvent => {
    const charge = judgeCharge(model, a.record);
    const text = `${head(segments.length)} ${a.text.replace(/\s+/g, ' ').trim()}`;
    const tokens = countTokens(text, p.encoding);
    if (a.text.trim() === '' || tokens >= before) {
      return fallback(a.text.trim() === '' ? `model ${name} wrote an empty summary: the gist was kept` : `model ${name}'s summary (${tokens} tokens) is not shorter than what it replaces (${before}): the gist was kept`, { answer: a.text, record: a.record }, charge);
    }
    return ctx.emit({
      ...gist, freed: before - tokens, summary: { id: gist.summary.id, text, tokens }, tokens: p.contextTokens - before + tokens,
      by: { model: name, before, after: tokens, answer: a.text, record: a.record }, charge,
    });
  };
  const failed = (err: unknown): KernelEvent => {
    if (!isCpuFault(err)) throw err;
    return fallback(`model ${name}: ${err.failure.message}: the gist was kept`, { failure: err.failure });
  };
  try {
    const a = cpu.summarize({ model, agent: p.id, summaryId: gist.summary.id, segments, seed: ctx.seed });
    return a instanceof Promise ? a.then(answered, failed) : answered(a);
  } catch (err) {
    return failed(err);
  }
}
