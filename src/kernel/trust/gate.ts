/**
 * The kernel's policy stack (Linux LSM style, REFERENCES §3.5): one ordered, duplicate-checked
 * list of policy modules — capability, tier, channel, execute-only, identity, taint, rules — run at each
 * hook point an operation crosses. The first module that does not allow decides; nothing later
 * undoes a deny. The gate only builds requests and runs the stack: it never changes state.
 */
import type { Proc, KernelState } from '../state/state';
import { remoteAgentOf, remoteSink, storeTier, toolTrust, type AgentSpec, type HarnessSpec, type ToolSpec } from '../spec';
import type { ToolTarget } from '../tools/toolClass';
import { effectiveRules, rulesModule } from './rules';
import { execOnlyModule, BUILTIN_ARG_SCHEMAS } from './execOnly';
import { capabilityModule, issueHandles } from './handles';
import { procAccessModule } from './procAccess';
import { identityLabels, identityModule } from './signatureIdentity';
import { checkModules, runHooks } from './hooks';
import { mainArg } from './matcher';
import { sinkOf } from './sinks';
import { taintModule } from './taint';
import { tierModule } from './tiers';
import type { Decision, Handle, HookPoint, Mode, ModuleAnswer, OpRequest, PolicyModule, SideEffect, Tier } from './types';

/** What the gate reads of a tool call: its tool, arguments and the labels its values carry. */
export type SyscallInput = Pick<NonNullable<Proc['call']>, 'tool' | 'args' | 'taint'>;

/** What the stack decided for one operation: the decision, the hook it was made at, the grant used. */
export interface GateResult {
  decision: Decision;
  hook: HookPoint;
  grant?: string;
}

/** Side effects of the built-in memory calls (own memory has none worth asking about). */
const BUILTIN_EFFECT: Readonly<Record<string, SideEffect>> = Object.freeze({
  archival_search: 'read',
  archival_insert: 'write',
  conversation_search: 'none',
  core_memory_append: 'none',
  core_memory_replace: 'none',
  // Another agent's runtime state (one's own never reaches the stack: the kernel allows it).
  proc: 'read',
});

/** The argument rule specifiers match for a built-in that has one besides the usual keys: `proc(<agent>)`. */
const BUILTIN_MAIN_ARG: Readonly<Record<string, string>> = Object.freeze({ proc: 'agent' });

export class TrustGate {
  private state!: Readonly<KernelState>;
  private readonly agents: ReadonlyMap<string, AgentSpec>;
  private readonly tools: ReadonlyMap<string, ToolSpec>;
  private readonly storeTier: ReadonlyMap<string, Tier>;
  private readonly channels: ReadonlyMap<string, string>;
  private readonly mode: Mode;
  private readonly fixed: { capability: PolicyModule; tier: PolicyModule; channel: PolicyModule; execOnly: PolicyModule; identity: PolicyModule };

  /**
   * `handlesIndex`, when given, answers an agent's handles (in issue order) for a state it keeps
   * an index of, or null for any other state: the kernel's run index, so a call is not checked
   * by scanning every handle of the run.
   */
  constructor(private readonly spec: HarnessSpec, private readonly handlesIndex?: (state: Readonly<KernelState>, agent: string) => Handle[] | null) {
    this.agents = new Map(spec.agents.map((a) => [a.id, a]));
    this.tools = new Map(spec.tools.map((t) => [t.id, t]));
    this.storeTier = new Map(spec.stores.map((s) => [s.id, storeTier(s)]));
    this.channels = new Map(spec.channels.map((c) => [`${c.from}\u0000${c.to}`, c.id]));
    this.mode = spec.policy.mode;
    const handlesOf = (agent: string): Handle[] => this.handlesIndex?.(this.state, agent) ?? Object.values(this.state.handles).filter((h) => h.agent === agent);
    this.fixed = {
      capability: capabilityModule(handlesOf, () => this.state.now),
      tier: tierModule(
        (target) => this.storeTier.get(target) ?? this.tools.get(target)?.tier,
        (agent) => this.agents.get(agent)?.tiers ?? ['platform', 'shared', 'session'],
      ),
      channel: channelModule(this.channels),
      execOnly: execOnlyModule(
        (agent) => this.agents.get(agent)?.executeOnly === true,
        (tool) => (this.tools.has(tool) ? this.tools.get(tool)!.args : BUILTIN_ARG_SCHEMAS[tool]),
      ),
      identity: identityModule(identityLabels(spec.agents)),
    };
  }

  /** Stacks by what they depend on (declassified labels, session rules): rebuilt only when those grow. */
  private cached: { key: string; full: PolicyModule[]; noCapability: PolicyModule[] } | null = null;

  /** The stack at this moment: the taint module reads the declassified labels, rules include the session's. */
  private stack(state: Readonly<KernelState>, withCapability: boolean): PolicyModule[] {
    this.state = state;
    const key = `${state.declassified.length}:${state.sessionRules.length}`;
    if (this.cached?.key !== key) {
      const { capability, tier, channel, execOnly, identity } = this.fixed;
      const rules = effectiveRules(this.spec.policy, state.sessionRules);
      const rest = [
        tier,
        channel,
        execOnly,
        identity,
        taintModule(this.spec.policy.taint, new Set(state.declassified)),
        procAccessModule(rules),
        rulesModule(rules, this.mode),
      ];
      const full = [capability, ...rest];
      const problems = checkModules(full);
      if (problems.length > 0) throw new Error(`policy stack: ${problems.join('; ')}`);
      this.cached = { key, full, noCapability: rest };
    }
    return withCapability ? this.cached.full : this.cached.noCapability;
  }

  /** Runs the requests in order (tool.call, then memory.read/write where the call touches a store); the first objection decides. */
  private run(state: Readonly<KernelState>, reqs: readonly OpRequest[]): GateResult {
    // The tool.call decision names the authority; a later hook only matters if it objects.
    let first: GateResult | undefined;
    for (const req of reqs) {
      // A declared tool reaches its store with the tool's own authority: no store handle needed.
      const modules = this.stack(state, !(req.hook !== 'tool.call' && req.declared));
      const { decision, trail } = runHooks(req, modules, this.mode);
      const grant = grantOf(trail);
      const result: GateResult = { decision, hook: req.hook, ...(grant ? { grant } : {}) };
      if (decision.effect !== 'allow') return result;
      first ??= result;
    }
    if (!first) throw new Error('the policy gate needs at least one request');
    return first;
  }

  /** Decides a tool call: its request at tool.call, and at memory.read / memory.write when it touches a store. */
  checkCall(state: Readonly<KernelState>, p: Pick<Proc, 'id'>, call: SyscallInput, spec: ToolSpec | undefined, target: ToolTarget): GateResult {
    const taint = call.taint ?? [];
    const base = { agent: p.id, tool: call.tool, args: call.args, taint, declared: spec !== undefined };
    const sideEffect: SideEffect = spec ? spec.sideEffect : (BUILTIN_EFFECT[call.tool] ?? 'none');
    const tierOf = (id: string): Tier => this.storeTier.get(id) ?? this.tools.get(id)?.tier ?? 'shared';
    const store = spec ? (spec.impl.kind === 'sim' || spec.impl.kind === 'mcp' ? null : spec.impl.store) : this.storeTier.has(target.target) ? target.target : null;
    const write = store !== null && (spec ? spec.impl.kind === 'archival_insert' : target.access === 'write');
    const sink = sinkOf({ tool: call.tool, spec, sideEffect, writesStore: write ? store : null, tierOf, ...(spec?.impl.kind === 'mcp' ? { trust: toolTrust(spec, this.spec) } : {}) });
    const reqs: OpRequest[] = [{ ...base, hook: 'tool.call', target: target.target, access: target.access, arg: mainArg(call.args, spec ? spec.mainArg : BUILTIN_MAIN_ARG[call.tool]), sideEffect, tier: tierOf(target.target), sink }];
    if (store !== null) {
      reqs.push({ ...base, hook: write ? 'memory.write' : 'memory.read', target: store, access: write ? 'write' : 'read', arg: store, sideEffect: write ? 'write' : 'read', tier: tierOf(store) });
    }
    return this.run(state, reqs);
  }

  /** Decides a message send (channels decide who may talk to whom; rules may match `send(<to>)`). */
  checkSend(state: Readonly<KernelState>, p: Proc, to: string, text: string, taint: readonly string[]): GateResult {
    // A message to a local agent stays inside the harness: its labels travel with it to the receiver,
    // whose own sinks are guarded (sink: null). A message to a remote agent leaves the machine: a sink.
    const remote = remoteAgentOf(this.spec, to);
    const req: OpRequest = { hook: 'msg.send', agent: p.id, tool: 'send', target: to, access: 'use', arg: to, args: { to, text }, sideEffect: 'none', taint, declared: false, tier: 'session', sink: remote ? remoteSink(remote) : null };
    const r = this.run(state, [req]);
    if (r.decision.effect !== 'ask') return r;
    // Nobody approves a message: an ask on a send is a deny that says how to allow it.
    return { ...r, decision: { ...r.decision, effect: 'deny', reason: `${r.decision.reason}; messages cannot wait for approval: add an allow rule send(${to})` } };
  }

  /**
   * job.create: may this agent's job start? Its modules: the signature check (the kernel passes
   * what is wrong with the signed prompt or policy, if anything) and unique handles (one holder
   * per target at a time).
   */
  checkJob(state: Readonly<KernelState>, agent: AgentSpec, signatureProblem: string | null): GateResult {
    this.state = state;
    const req: OpRequest = { hook: 'job.create', agent: agent.id, tool: 'job', target: agent.id, access: 'use', arg: agent.id, args: {}, sideEffect: 'none', taint: [], declared: false, tier: 'session' };
    const modules: PolicyModule[] = [
      jobModule('signature', () => (signatureProblem === null ? null : { effect: 'deny', module: 'signature', rule: 'signature', scope: 'kernel', code: 'signature', reason: signatureProblem })),
      jobModule('handles', () => {
        const { refused } = issueHandles(agent, () => Object.values(state.handles), state.now, (i) => `h${i}`);
        const r = refused[0];
        return r ? { effect: 'deny', module: 'handles', rule: `capability:${agent.id}->${r.target}`, scope: 'agent', code: 'unique-held', reason: refused.map((x) => x.reason).join('; ') } : null;
      }),
    ];
    const { decision } = runHooks(req, modules, this.mode);
    return { decision, hook: 'job.create' };
  }

  /** A lazy read of a store chunk (memory.read): the capability, the tier and the rules decide. */
  checkRead(state: Readonly<KernelState>, p: Proc, store: string): GateResult {
    const tier = this.storeTier.get(store) ?? 'shared';
    const req: OpRequest = { hook: 'memory.read', agent: p.id, tool: 'read', target: store, access: 'read', arg: store, args: { store }, sideEffect: 'read', taint: [], declared: false, tier };
    return this.run(state, [req]);
  }
}

/** A job.create module from one check. */
function jobModule(name: string, check: () => ModuleAnswer): PolicyModule {
  return Object.freeze({ name, hooks: Object.freeze(['job.create'] as const), check });
}

/** The grant the capability module allowed with (`handle:<id>`), if any. */
function grantOf(trail: readonly { module: string; answer: ModuleAnswer }[]): string | undefined {
  const rule = trail.find((x) => x.module === 'capability')?.answer?.rule;
  if (rule === 'own-memory') return rule;
  return rule?.startsWith('handle:') ? rule.slice('handle:'.length) : undefined;
}

/** Channels on the graph decide who may talk to whom: a send with no channel is denied. */
function channelModule(channels: ReadonlyMap<string, string>): PolicyModule {
  return Object.freeze({
    name: 'channel',
    hooks: Object.freeze(['msg.send'] as const),
    check(req: OpRequest): ModuleAnswer {
      const id = channels.get(`${req.agent}\u0000${req.target}`);
      if (id === undefined) return { effect: 'deny', module: 'channel', rule: `channel:${req.agent}->${req.target}`, scope: 'agent', code: 'no-channel', reason: `no channel from ${req.agent} to ${req.target}` };
      return { effect: 'allow', module: 'channel', rule: `channel:${id}`, scope: 'agent', reason: `channel ${id} connects ${req.agent} to ${req.target}` };
    },
  });
}
