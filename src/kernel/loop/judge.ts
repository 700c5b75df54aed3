/**
 * The judge source: asks a goal's judge leaf about its subject when the subject is new (an
 * artifact written again, an agent's final answer), and records the answer as `goal.judged`.
 * Only goals not met yet are judged (a goal once met stays met). The verdict enters the state,
 * so `evaluate` (term/goals.ts) reads it, and a seek, restore or fork loads it from the log: no
 * model is asked again for a subject version it already judged. A judge takes no virtual time.
 *
 * What each case records, never a verdict the model did not give:
 * - a real CPU that can judge: its verdict (`pass` / `fail`; an answer saying neither is `error`);
 * - the judge's model on the sim CPU: `fallback` when the leaf declares one (evaluated in its
 *   place, and labelled so), else `error` saying a real CPU is needed;
 * - no CPU for the model's provider, or a failed call: `error` with the message and its fix.
 */
import type { Cpu, JudgeAnswer } from '../cpu/cpu';
import { isCpuFault } from '../cpu/fault';
import type { KernelEvent, KernelEventBody } from '../trace/events';
import { judgeCharge, judgeLeaves, judgementKey, subjectOf, type JudgePredicate, type Subject } from '../term/judgement';
import type { RunContext, Step } from './runContext';

type Judged = Extract<KernelEventBody, { type: 'goal.judged' }>;

/** The next judge leaf whose subject changed since its last verdict, asked; undefined when none. */
export function nextJudgement(ctx: RunContext): Step | undefined {
  for (const g of ctx.spec.goals) {
    if (ctx.s.goalsMet[g.id]) continue;
    for (const { leaf, path } of judgeLeaves(g.when)) {
      const subject = subjectOf(ctx.s, leaf);
      if (subject === null) continue;
      const last = ctx.s.judged?.[judgementKey(g.id, path)];
      if (last !== undefined && last.version === subject.version) continue;
      return judge(ctx, g.id, path, leaf, subject);
    }
  }
  return undefined;
}

function judge(ctx: RunContext, goal: string, path: string, leaf: JudgePredicate, subject: Subject): Step {
  const base = { type: 'goal.judged' as const, goal, path, model: leaf.model, subject: subject.name, version: subject.version };
  const record = (body: Omit<Judged, keyof typeof base>): KernelEvent => ctx.emit({ ...base, ...body });
  const model = ctx.models.get(leaf.model);
  if (model === undefined) return record({ verdict: 'error', reason: `the document has no model "${leaf.model}"` });
  if (model.provider === 'sim') {
    if (leaf.fallback !== undefined) return record({ verdict: 'fallback', reason: `model ${leaf.model} runs on the sim CPU, which cannot judge: the declared offline fallback is evaluated instead (not a model's verdict)` });
    return record({ verdict: 'error', reason: `model ${leaf.model} runs on the sim CPU, which cannot judge: give it a real endpoint (provider openai, openai-compatible or anthropic), or declare an offline fallback` });
  }
  const cpu: Cpu | undefined = ctx.cpus[model.provider];
  if (cpu?.judge === undefined) return record({ verdict: 'error', reason: `no ${model.provider} endpoint is configured for model ${leaf.model}, so nobody can judge: set one (Settings in the studio; --base-url and a key at the CLI)` });
  const asked = (): Promise<JudgeAnswer> | JudgeAnswer => cpu.judge!({ model, rubric: leaf.rubric, subject: subject.text, subjectName: subject.name, goal, path, version: subject.version, seed: ctx.seed });
  const answered = (a: JudgeAnswer): KernelEvent =>
    a.verdict === 'unclear'
      ? record({ verdict: 'error', reason: `model ${leaf.model} answered neither pass nor fail: "${oneLine(a.answer)}"`, answer: a.answer, record: a.record, charge: judgeCharge(model, a.record) })
      : record({ verdict: a.verdict, reason: a.reason, answer: a.answer, record: a.record, charge: judgeCharge(model, a.record) });
  const failed = (err: unknown): KernelEvent => {
    if (!isCpuFault(err)) throw err;
    const { failure } = err;
    return record({ verdict: 'error', reason: `model ${leaf.model}: ${failure.message}${failure.fix ? ` (${failure.fix})` : ''}`, failure });
  };
  try {
    const a = asked();
    return a instanceof Promise ? a.then(answered, failed) : answered(a);
  } catch (err) {
    return failed(err);
  }
}

const oneLine = (text: string): string => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 117)}…` : line;
};
