/**
 * Job creation: validate → allocate → install guards → publish → start. Each stage before
 * publish may fail; a failure undoes the stages already done, in reverse, so nothing is left
 * behind (no pid, no reservation, no process-table entry). Publish emits `job.published`;
 * start is the first `sched.enqueued`, decided by the kernel's run loop.
 */
import type { Cpu } from '../cpu/cpu';
import type { AgentSpec, HarnessSpec, ModelSpec } from '../spec';
import { countTokens, encodingFor } from '../tokens';
import type { JobStage } from '../trace/events';
import { deadlineUtilization, SCHED_CLASSES } from '../sched';

export interface JobContext {
  readonly spec: HarnessSpec;
  readonly agent: AgentSpec;
  readonly cpus: Readonly<Record<string, Cpu>>;
  /** pid reservations shared by all jobs of the kernel: pid → agent. */
  readonly pids: Map<number, string>;
  /** The next pid the process table would hand out. */
  readonly firstFreePid: number;
  /** Admitted deadline bandwidth per model so far (slots), for admission control. */
  readonly bandwidth: Readonly<Record<string, number>>;
  admission?: { model: string; utilization: number; bound: number; ok: boolean };
  model?: ModelSpec;
  pid?: number;
  window?: number;
  system?: string;
  systemTokens?: number;
  tools?: string[];
}

export interface JobStageOp {
  readonly name: JobStage;
  /** Returns an error message, or null when the stage succeeded. */
  run(ctx: JobContext): string | null;
  /** Undoes what run did; called in reverse order when a later stage fails. */
  undo?(ctx: JobContext): void;
}

const validate: JobStageOp = {
  name: 'validate',
  run(ctx) {
    const model = ctx.spec.models.find((m) => m.id === ctx.agent.model);
    if (!model) return `model "${ctx.agent.model}" does not exist`;
    if (!ctx.cpus[model.provider]) {
      return `model "${model.id}" uses provider "${model.provider}", and no ${model.provider} endpoint is available here (only the sim provider runs without one)`;
    }
    ctx.model = model;
    // The class's own rules over its parameters (deadline: runtime ≤ deadline ≤ period on this model).
    const problems = SCHED_CLASSES.checkParams(ctx.agent.sched, model);
    return problems.length === 0 ? null : problems.map((p) => `sched.${p.param}: ${p.message}`).join('; ');
  },
};

/**
 * Admission control for deadline agents (Documentation/scheduler/sched-deadline.rst §4):
 * admit iff Σ runtime_i / capacity(period_i) ≤ dlBound × slots on the agent's model.
 */
function admit(ctx: JobContext): string | null {
  const sc = ctx.agent.sched;
  const model = ctx.model!;
  if (sc.class !== 'deadline') return null;
  const u = deadlineUtilization(sc, model);
  const bound = ctx.spec.sched.dlBound * model.slots;
  const before = ctx.bandwidth[model.id] ?? 0;
  const utilization = before + u;
  const ok = utilization <= bound + 1e-12;
  ctx.admission = { model: model.id, utilization, bound, ok };
  return ok ? null : `admission refused: bandwidth ${utilization.toFixed(3)} slots would exceed the bound ${bound.toFixed(3)} (${ctx.spec.sched.dlBound} × ${model.slots} slots)`;
}

const allocate: JobStageOp = {
  name: 'allocate',
  run(ctx) {
    const model = ctx.model!;
    const window = ctx.agent.memory.window ?? model.contextWindow;
    const core = ctx.agent.memory.coreBlocks.map((b) => `<${b.label}>\n${b.value}\n</${b.label}>`).join('\n');
    const system = core === '' ? ctx.agent.systemPrompt : `${ctx.agent.systemPrompt}\n\n${core}`;
    const systemTokens = countTokens(system, encodingFor(model));
    if (systemTokens > window) return `the system prompt and core memory need ${systemTokens} tokens; the context window holds ${window}`;
    // Admission before any reservation: a refused job holds nothing.
    const refused = admit(ctx);
    if (refused !== null) return refused;
    let pid = ctx.firstFreePid;
    while (ctx.pids.has(pid)) pid++;
    ctx.pids.set(pid, ctx.agent.id);
    Object.assign(ctx, { pid, window, system, systemTokens });
    return null;
  },
  undo(ctx) {
    if (ctx.pid !== undefined) ctx.pids.delete(ctx.pid);
    delete ctx.pid;
    if (ctx.admission) ctx.admission = { ...ctx.admission, ok: false };
  },
};

const guards: JobStageOp = {
  name: 'guards',
  run(ctx) {
    const tools: string[] = [];
    for (const cap of ctx.agent.capabilities) {
      const store = ctx.spec.stores.find((s) => s.id === cap.target);
      if (store && store.kind === 'knowledge' && (cap.access === 'write' || cap.access === 'readwrite')) {
        return `capability on "${store.id}" asks for ${cap.access} access; knowledge stores are read-only (use read)`;
      }
      tools.push(cap.target);
    }
    ctx.tools = tools;
    return null;
  },
  undo(ctx) {
    delete ctx.tools;
  },
};

/** The stages before publish, in order. */
export const JOB_STAGES: readonly JobStageOp[] = Object.freeze([validate, allocate, guards]);

export type JobOutcome =
  | { ok: true; pid: number; model: string; window: number; system: string; systemTokens: number; tools: string[]; stages: JobStage[] }
  | { ok: false; stage: JobStage; reason: string; unwound: JobStage[] };

/** What admission control decided for a deadline job (read by the kernel to emit sched.admitted/refused). */
export type Admission = NonNullable<JobContext['admission']>;

/** Runs the stages; on failure unwinds the completed ones in reverse. */
export function runJobPipeline(ctx: JobContext, stages: readonly JobStageOp[] = JOB_STAGES): JobOutcome {
  const done: JobStageOp[] = [];
  for (const stage of stages) {
    let error: string | null;
    try {
      error = stage.run(ctx);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    if (error !== null) {
      const unwound: JobStage[] = [];
      for (const d of done.reverse()) {
        d.undo?.(ctx);
        unwound.push(d.name);
      }
      return { ok: false, stage: stage.name, reason: error, unwound };
    }
    done.push(stage);
  }
  return {
    ok: true, pid: ctx.pid!, model: ctx.model!.id, window: ctx.window!, system: ctx.system!, systemTokens: ctx.systemTokens!,
    tools: ctx.tools!, stages: [...stages.map((s) => s.name), 'publish', 'start'],
  };
}
