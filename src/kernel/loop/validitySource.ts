/**
 * The validity source: runs the checks a store declares (memory/validityChecks.ts) on the chunks
 * it handed out, one (segment, check) per step, and records each verdict as `mem.validity` with
 * its numbers. It comes before scheduling in the source order (sources.ts), so a chunk is judged
 * at the instant it enters a window, before the agent's next turn reads it. A check takes no
 * virtual time. Documents without store checks never reach it (nothing to watch).
 *
 * - stale and contradiction are decided by the kernel, deterministically;
 * - verify asks a sim tool as the agent's own call: the policy stack decides it (capability,
 *   rules, taint) exactly as at the system-call choke point, and a refusal is `unknown`;
 * - judge asks a real model through the judge port (cpu.judge), recorded in the event, so a
 *   replay (RecordedCpu) answers from the trace without a call; on the sim it is `unknown`.
 */
import type { Cpu, JudgeAnswer } from '../cpu/cpu';
import { isCpuFault } from '../cpu/fault';
import { contradictionVerdict, staleVerdict, verifierVerdict, type ValidityVerdict } from '../memory/validityChecks';
import { isEvictable, type Segment } from '../memory/segment';
import type { StoreSpec, ValidityCheckSpec } from '../spec';
import type { Proc } from '../state/state';
import { judgeCharge } from '../term/judgement';
import { toolClassFor } from '../tools/toolClass';
import { countTokens } from '../tokens';
import { decideSyscall, decisionRecord } from '../trust/syscallDecision';
import type { KernelEvent, KernelEventBody } from '../trace/events';
import type { RunContext, Step } from './runContext';

type ValidityEvent = Extract<KernelEventBody, { type: 'mem.validity' }>;
type Extra = Partial<Pick<ValidityEvent, 'stale' | 'contradiction' | 'verify' | 'judge' | 'charge'>>;

/** The JudgeRequest keys of a validity judge: a recording answers by them (cpu/recorded.ts). */
export const validityJudgeKey = (agent: string, segment: string, index: number): { goal: string; path: string; version: number } => ({
  goal: `validity:${agent}:${segment}`, path: `checks[${index}]`, version: 0,
});

/**
 * The next check verdict of any live agent's window, recorded; undefined when no check has anything to say.
 * The run index keeps the pairs still to judge (validityIndex.ts): the first agent in document
 * order with a due one, its first segment in window order, the lowest check — the order a scan
 * of every window gave, at the cost of the agents that have something to judge.
 */
export function nextValidityCheck(ctx: RunContext): Step | undefined {
  const next = ctx.index.validity.next(ctx.s.now, (rank) => ctx.index.proc(ctx.s, rank));
  if (next === null) return undefined;
  return runCheck(ctx, ctx.index.proc(ctx.s, next.rank), next.seg, next.store, next.index, next.check);
}

function runCheck(ctx: RunContext, p: Proc, seg: Segment, store: StoreSpec, index: number, check: ValidityCheckSpec): Step {
  const record = (v: ValidityVerdict, extra: Extra): KernelEvent => {
    const validity = v.verdict === 'unknown' ? seg.validity : Math.min(seg.validity, v.value);
    const below = store.validity!.evictBelow;
    const evicted = below !== undefined && validity < below && isEvictable(seg);
    return ctx.emit({
      type: 'mem.validity', agent: p.id, segment: seg.id, store: store.id, check: check.kind, index,
      verdict: v.verdict, before: seg.validity, validity, evicted, reason: v.reason, ...extra,
    });
  };
  switch (check.kind) {
    case 'stale': {
      const v = staleVerdict(seg, ctx.s.now, check.lifetimeMs);
      return record(v, { stale: { ageMs: v.ageMs, lifetimeMs: check.lifetimeMs } });
    }
    case 'contradiction': {
      const v = contradictionVerdict(seg, p.context, check)!;
      // recheck: a chunk found valid is asked again when a newer fact names the subject; the reason says so.
      const agreed = seg.agreed?.find((a) => a.index === index);
      const reason = agreed === undefined ? v.reason : `${v.reason} (checked again: it agreed with fact ${agreed.fact}, ${v.fact} is newer)`;
      return record({ ...v, reason }, { contradiction: { subject: check.subject, value: v.claimed, fact: v.fact, factValue: v.factValue, ...(check.recheck ? { recheck: true as const } : {}) } });
    }
    case 'verify':
      return verify(ctx, p, seg, check, record);
    case 'judge':
      return judge(ctx, p, seg, store, index, check, record);
  }
}

/** The verifier tool, asked as the agent's own call: the policy stack decides it; its result sets validity. */
function verify(ctx: RunContext, p: Proc, seg: Segment, check: Extract<ValidityCheckSpec, { kind: 'verify' }>, record: (v: ValidityVerdict, extra: Extra) => KernelEvent): KernelEvent {
  const spec = ctx.tools.get(check.tool);
  const cls = toolClassFor(spec, check.tool);
  const call = { tool: check.tool, args: { text: seg.text }, taint: seg.taint ?? [] };
  const decision = decisionRecord(decideSyscall(ctx.gate, ctx.s, p.id, call, spec, cls, ctx.spec.policy.mode), call.taint);
  const unknown = (reason: string, result = ''): KernelEvent => record({ verdict: 'unknown', value: 1, reason }, { verify: { tool: check.tool, result, decision } });
  if (decision.effect === 'deny') return unknown(`verifier ${check.tool} was denied to ${p.id}: ${decision.reason}`);
  if (decision.effect === 'ask') return unknown(`verifier ${check.tool} needs a person's approval for ${p.id}, which a validity check does not ask: ${decision.reason}`);
  if (spec?.impl.kind !== 'sim' || !cls) return unknown(`verifier ${check.tool} is not a sim tool: only sim tools can verify for now`);
  const out = cls.execute(spec, { agent: p.id, tool: check.tool, args: call.args, newId: `${check.tool}-validity-${seg.id}` }, ctx.s, {
    search: () => Promise.resolve([]), hasStore: () => false, count: (text) => countTokens(text, p.encoding),
  });
  if (out instanceof Promise) return unknown(`verifier ${check.tool} answered asynchronously, which a validity check does not wait for`);
  if (!out.ok) return unknown(`verifier ${check.tool} failed: ${out.result}`, out.result);
  return record(verifierVerdict(check.tool, out.result, check.invalidIf), { verify: { tool: check.tool, result: out.result, decision } });
}

/** A real model's judgement of the chunk (judge.ts's port): pass 1, fail 0, else unknown; recorded, replayed from the trace. */
function judge(
  ctx: RunContext, p: Proc, seg: Segment, store: StoreSpec, index: number, check: Extract<ValidityCheckSpec, { kind: 'judge' }>,
  record: (v: ValidityVerdict, extra: Extra) => KernelEvent,
): Step {
  const unknown = (reason: string, extra: Extra = {}): KernelEvent => record({ verdict: 'unknown', value: 1, reason }, { judge: { model: check.model }, ...extra });
  const model = ctx.models.get(check.model);
  if (model === undefined) return unknown(`the document has no model "${check.model}"`);
  if (model.provider === 'sim') return unknown(`judge ${check.model} runs on the sim CPU, which cannot judge: give it a real endpoint`);
  const cpu: Cpu | undefined = ctx.cpus[model.provider];
  if (cpu?.judge === undefined) return unknown(`no ${model.provider} endpoint is configured for model ${check.model}, so nobody can judge`);
  const answered = (a: JudgeAnswer): KernelEvent => {
    const extra: Extra = { judge: { model: check.model, reason: a.reason, answer: a.answer, record: a.record }, charge: judgeCharge(model, a.record) };
    if (a.verdict === 'unclear') return record({ verdict: 'unknown', value: 1, reason: `judge ${check.model} answered neither pass nor fail` }, extra);
    return record({ verdict: a.verdict === 'pass' ? 'valid' : 'invalid', value: a.verdict === 'pass' ? 1 : 0, reason: `judge ${check.model}: ${a.verdict}, ${a.reason}` }, extra);
  };
  const failed = (err: unknown): KernelEvent => {
    if (!isCpuFault(err)) throw err;
    return unknown(`judge ${check.model}: ${err.failure.message}`, { judge: { model: check.model, failure: err.failure } });
  };
  try {
    const a = cpu.judge({
      model, rubric: check.rubric, subject: seg.text, subjectName: `segment ${seg.id} from store ${store.id}`,
      ...validityJudgeKey(p.id, seg.id, index), seed: ctx.seed,
    });
    return a instanceof Promise ? a.then(answered, failed) : answered(a);
  } catch (err) {
    return failed(err);
  }
}
