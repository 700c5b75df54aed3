/**
 * Delegation as a kernel operation: an agent spawns a sub-agent from a template over a delegate
 * channel with `spawn`, through the job-creation pipeline (jobPipeline.ts) with three more
 * stages: the spawn's own checks before validate (a delegate channel, one instance, no class
 * escalation, then the job.create hook every job passes: jobCreate.ts, a signed template's
 * prompt), the budget carve after allocate, and the capability narrowing before guards. A
 * failure unwinds what was done (the pid reserved) and records `spawn.refused` with a typed code
 * and the figures; nothing is published. A success publishes the child (`job.published`, its
 * narrowed handles in `cap.granted`; a unique one moves the spawner's handle to it until it exits)
 * and records `agent.spawned`: the child's window starts as
 * its own system prompt plus its spawner's segments, shared copy-on-write (the same frozen
 * segment records, never copied: a change to one in either window replaces it there only), less
 * any segment read from a region the child may not read (a store's chunk, a faulted-in artifact:
 * the region decides, as for the child's own search; listed in `window.withheld`), and
 * an A2A task it serves for its spawner, which waits on it like on any task (recv from the child).
 */
import type { Action } from '../cpu/cpu';
import { regionVerdict } from '../region';
import type { Segment } from '../memory/segment';
import type { Proc } from '../state/state';
import { effectiveSched } from '../sched/groupWeights';
import { escalation } from '../sched/spawnClass';
import { groupLeft } from '../sched/spawnBudget';
import type { AgentSched } from '../sched';
import type { AgentSpec, ChannelSpec } from '../spec';
import { encodingFor } from '../tokens';
import { movedHandles, narrowCaps, type NarrowedCap } from '../trust/spawnCaps';
import type { Handle } from '../trust/types';
import type { KernelEvent, SpawnBudget, SpawnRefusal } from '../trace/events';
import { jobRefusal } from './jobCreate';
import { JOB_STAGES, runJobPipeline, type JobContext, type JobStageOp } from './jobPipeline';
import type { RunContext } from './runContext';

type SpawnAction = Extract<Action, { kind: 'spawn' }>;

/** The delegate channel with `spawn` from `from` to `to`, if the document has one. */
export function spawnChannel(channels: readonly ChannelSpec[], from: string, to: string): ChannelSpec | undefined {
  return channels.find((c) => c.from === from && c.to === to && c.kind === 'delegate' && c.spawn !== undefined);
}

/** Agents that are spawn templates: they start only when spawned, never with the run. */
export function spawnTemplates(channels: readonly ChannelSpec[]): Set<string> {
  return new Set(channels.filter((c) => c.kind === 'delegate' && c.spawn !== undefined).map((c) => c.to));
}

/** A spawn's working set beside the job context: what each extra stage decided, and its refusal code. */
interface SpawnWork {
  code: SpawnRefusal;
  numbers: Record<string, number | string | null>;
  asked: AgentSched;
  budget: SpawnBudget;
  granted: NarrowedCap[];
}

/** The pipeline of a spawn: the job's stages with the spawn's own checks, carve and narrowing in place. */
function spawnStages(ctx: RunContext, parent: Proc, action: SpawnAction, work: SpawnWork): JobStageOp[] {
  const s = ctx.s;
  const fail = (code: SpawnRefusal, reason: string, numbers: Record<string, number | string | null> = {}): string => {
    work.code = code;
    work.numbers = numbers;
    return reason;
  };
  const check: JobStageOp = {
    name: 'validate',
    run(job) {
      const channel = spawnChannel(ctx.spec.channels, parent.id, action.template);
      if (!channel || !ctx.agents.has(action.template)) return fail('no-delegate', `${parent.id} has no delegate channel with "spawn" to "${action.template}"`);
      if (s.procs[action.template]) return fail('already-spawned', `${action.template} is already in the process table (pid ${s.procs[action.template]!.pid}); one instance per template`);
      const up = escalation(parent.sched, work.asked);
      if (up) return fail('escalation', up.reason, up.numbers);
      // The job.create hook every job passes (jobCreate.ts): a signed template's prompt must match its signature.
      const refused = jobRefusal(ctx, job.agent);
      if (refused) return fail(refused.module === 'signature' ? 'signature' : 'job', refused.reason);
      return null;
    },
  };
  const carve: JobStageOp = {
    name: 'allocate',
    run() {
      const channel = spawnChannel(ctx.spec.channels, parent.id, action.template)!;
      const tokens = action.tokens ?? channel.spawn?.tokens ?? null;
      const cost = action.cost ?? channel.spawn?.cost ?? null;
      if (tokens === null && cost === null) return null;
      const g = parent.group === null ? undefined : s.groups[parent.group];
      if (!g) return fail('budget', `${parent.id} is in no budget group to carve ${tokens ?? 0} tokens from`, { tokens, cost });
      const before = groupLeft(s.groups, g);
      const numbers = { group: g.id, tokens, cost, leftTokens: before.tokens, leftCost: before.cost };
      if (tokens !== null && before.tokens !== null && tokens >= before.tokens) return fail('budget', `it asks ${tokens} tokens; ${g.id} has ${before.tokens} left, and its spawner must keep some`, numbers);
      if (cost !== null && before.cost !== null && cost >= before.cost) return fail('budget', `it asks $${cost}; ${g.id} has $${before.cost.toFixed(6)} left, and its spawner must keep some`, numbers);
      const after = {
        tokens: before.tokens === null || tokens === null ? before.tokens : before.tokens - tokens,
        cost: before.cost === null || cost === null ? before.cost : before.cost - cost,
      };
      work.budget = { group: `spawn:${action.template}`, from: g.id, tokens, cost, before, after };
      return null;
    },
  };
  const narrow: JobStageOp = {
    name: 'guards',
    run(job) {
      const held = ctx.index.handlesOfAgent(s, parent.id);
      const r = narrowCaps(action.caps ?? [], held, s.now);
      if (!r.ok) return fail('caps-widen', r.reason, r.numbers);
      work.granted = r.granted;
      // The guards stage installs what the child may touch: exactly the narrowed capabilities.
      (job as { agent: AgentSpec }).agent = { ...job.agent, capabilities: r.granted.map((c) => ({ target: c.target, access: c.access, handle: c.kind, lease: 'job' as const })) };
      return null;
    },
  };
  const [validate, allocate, guards] = JOB_STAGES;
  return [check, validate!, allocate!, carve, narrow, guards!];
}

/** Carries out a spawn: `spawn.refused`, or the child's `job.published` (and `cap.granted`), then `agent.spawned`. */
export function spawnAgent(ctx: RunContext, parent: Proc, action: SpawnAction): KernelEvent {
  const s = ctx.s;
  const template = ctx.agents.get(action.template);
  const { group: _g, ...templateSched } = (template?.sched ?? { class: parent.sched.class }) as AgentSched;
  const asked = { ...templateSched, ...(action.sched ?? {}) } as AgentSched;
  const work: SpawnWork = { code: 'job', numbers: {}, asked, budget: { group: null, from: null, tokens: null, cost: null, before: null, after: null }, granted: [] };
  const agent: AgentSpec = template
    ? { ...template, sched: asked as AgentSpec['sched'], capabilities: [] }
    : ({ id: action.template, model: '', capabilities: [], sched: asked } as unknown as AgentSpec);
  const job = { spec: ctx.spec, agent, cpus: ctx.cpus, pids: ctx.pids, firstFreePid: s.nextPid, bandwidth: s.bandwidth } as JobContext;
  const outcome = runJobPipeline(job, spawnStages(ctx, parent, action, work));
  if (!outcome.ok) {
    return ctx.emit({ type: 'spawn.refused', agent: parent.id, template: action.template, stage: outcome.stage, code: work.code, reason: outcome.reason, unwound: outcome.unwound, numbers: work.numbers });
  }
  const child = action.template;
  const { ok: _ok, ...done } = outcome;
  // The spawn's own stages carry the job stages' names: each stage is named once, in order.
  const rest = { ...done, stages: [...new Set(done.stages)] };
  const { warnAt, compactAt, eviction, k } = agent.memory;
  const group = work.budget.group ?? parent.group;
  const sched = { ...effectiveSched(ctx.spec, { ...agent, sched: { ...asked, ...(group === null ? {} : { group }) } as AgentSpec['sched'] }) };
  ctx.emit({ type: 'job.published', agent: child, ...rest, tokenizer: encodingFor(ctx.models.get(rest.model)!), sched, memory: { warnAt, compactAt, eviction, k } });
  const handles: Handle[] = work.granted.map((c, i) => ({
    id: `h${s.nextId + i}`, agent: child, target: c.target, kind: c.kind, access: c.access, lease: 'job', issuedAt: s.now, expiresAt: null, ended: null, from: c.from,
  }));
  if (handles.length > 0) ctx.emit({ type: 'cap.granted', agent: child, handles });
  const withheld: { segment: string; ref: string; region: string; detail: string }[] = [];
  const shared = parent.context.filter((x) => {
    if (x.kind === 'system') return false;
    const ref = regionRefOf(x);
    const verdict = ref === undefined ? undefined : regionVerdict(ctx.spec.regions, child, ref, 'read');
    if (verdict === undefined || verdict.allowed) return true;
    withheld.push({ segment: x.id, ref: ref!, region: verdict.region, detail: verdict.detail });
    return false;
  });
  const depth = (s.spawns?.[parent.id]?.depth ?? 0) + 1;
  const lent = movedHandles(work.granted);
  return ctx.emit({
    type: 'agent.spawned', agent: parent.id, child, pid: rest.pid, task: `t${s.nextId}`, text: action.task, detach: action.detach === true, depth,
    sched: { asked: asked.class, parent: parent.sched.class, granted: sched.class },
    budget: work.budget,
    window: { shared: shared.length, sharedTokens: shared.reduce((n, x) => n + x.tokens, 0), segments: shared.map((x) => x.id), ...(withheld.length > 0 ? { withheld } : {}) },
    caps: { asked: [...(action.caps ?? [])], granted: handles.map((h) => ({ handle: h.id, target: h.target, kind: h.kind, access: h.access, from: h.from! })) },
    ...(lent.length > 0 ? { lent } : {}),
  });
}

/** The region reference a segment was read from: a store's chunk (`archive:STORE#ID`) or a lazily faulted ref (`fault:REF`); undefined for the rest. */
function regionRefOf(seg: Segment): string | undefined {
  if (seg.source.startsWith('archive:')) return `store:${seg.source.slice('archive:'.length)}`;
  if (seg.source.startsWith('fault:')) return seg.source.slice('fault:'.length);
  return undefined;
}
