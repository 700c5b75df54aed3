/**
 * The job.create hook, one home for every job: the document's agents at start (jobs.ts) and a
 * spawned child before its pipeline (spawn.ts) pass the same modules (signature, unique handles).
 */
import type { AgentSpec } from '../spec';
import type { RunContext } from './runContext';

/**
 * Why the job.create hook refuses an agent (its modules: signature, unique handles), and which
 * module refused, or null.
 */
export function jobRefusal(ctx: RunContext, agent: AgentSpec): { reason: string; module: string } | null {
  const sig = ctx.signatureProblem(agent.id, 'job.create');
  // Checked at its creation by this kernel: its first turn here needs no second check.
  if (sig === null) ctx.turnChecked.add(agent.id);
  const { decision } = ctx.gate.checkJob(ctx.s, agent, sig);
  return decision.effect === 'allow' ? null : { reason: `${decision.reason} (${decision.module}: ${decision.rule})`, module: decision.module };
}
