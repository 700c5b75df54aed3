/**
 * Starting jobs: every agent of the document not yet in the process table goes through the
 * job.create hook (signature, unique handles) and the job pipeline (jobPipeline.ts),
 * which publishes it, or fails it with the stage and the reason.
 */
import { runJobPipeline } from './jobPipeline';
import { effectiveSched } from '../sched/groupWeights';
import { encodingFor } from '../tokens';
import { issueHandles } from '../trust/handles';
import type { RunContext } from './runContext';
import { spawnTemplates } from './spawn';
import { jobRefusal } from './jobCreate';

/** Jobs for agents of the document that are not in the process table yet. */
export function startJobs(ctx: RunContext): void {
  // A spawn template starts only when an agent spawns it (spawn.ts), never with the run.
  const templates = spawnTemplates(ctx.spec.channels);
  for (const agent of ctx.spec.agents) {
    if (ctx.s.procs[agent.id] || templates.has(agent.id)) continue;
    // job.create hook: a signed prompt that no longer matches, or a unique handle held by another, refuses the job.
    const refused = jobRefusal(ctx, agent);
    if (refused !== null) {
      ctx.emit({ type: 'job.failed', agent: agent.id, stage: 'guards', reason: refused.reason, unwound: [] });
      continue;
    }
    const pipe = { spec: ctx.spec, agent, cpus: ctx.cpus, pids: ctx.pids, firstFreePid: ctx.s.nextPid, bandwidth: ctx.s.bandwidth } as Parameters<typeof runJobPipeline>[0];
    const outcome = runJobPipeline(pipe);
    const adm = pipe.admission;
    if (outcome.ok) {
      const { ok: _ok, ...rest } = outcome;
      const { warnAt, compactAt, eviction, k } = agent.memory;
      ctx.emit({ type: 'job.published', agent: agent.id, ...rest, tokenizer: encodingFor(ctx.models.get(rest.model)!), sched: effectiveSched(ctx.spec, agent), memory: { warnAt, compactAt, eviction, k } });
      if (adm) ctx.emit({ type: 'sched.admitted', agent: agent.id, class: 'deadline', model: adm.model, utilization: adm.utilization, bound: adm.bound });
      if (agent.capabilities.length > 0) {
        const { handles } = issueHandles(agent, () => Object.values(ctx.s.handles), ctx.s.now, (i) => `h${ctx.s.nextId + i}`);
        ctx.emit({ type: 'cap.granted', agent: agent.id, handles });
      }
    } else {
      if (adm && !adm.ok && outcome.stage === 'allocate') {
        ctx.emit({ type: 'sched.refused', agent: agent.id, class: 'deadline', model: adm.model, utilization: adm.utilization, bound: adm.bound, reason: outcome.reason });
      }
      ctx.emit({ type: 'job.failed', agent: agent.id, stage: outcome.stage, reason: outcome.reason, unwound: outcome.unwound });
    }
  }
}
