/**
 * Why an agent may (or may not) reach a target, answered by the run itself: the document is
 * started as a run would be (run.started and every job, with its capability handles, as
 * Kernel.create does) and the call is put through the kernel's own system-call decision
 * (trust/syscallDecision.ts: the kernel's refusals — an unknown tool, arguments that do not match
 * its schema when a concrete call is given — then capability, tier, execute-only, taint and
 * the rules under the mode), then, as the system-call choke point does (loop/syscalls.ts), the
 * region of the store the call reads or writes (region/regionFault.ts regionVerdict, the verdict
 * regionRefusal decides with). An artifact (`artifact:NAME`) is written or read by a step, not a
 * call: its region alone decides. The Policy view draws its capability edges from this, so an edge
 * never says what the run would not do. Pure and deterministic.
 */
import { Kernel } from './kernel';
import type { KernelState } from './state/state';
import type { HarnessSpec } from './spec';
import { regionVerdict, type RegionVerdict } from './region';
import { storeAccessOf, toolClassFor } from './tools/toolClass';
import { specDigests } from './trust/digest';
import { TrustGate } from './trust/gate';
import { decideSyscall, decisionRecord } from './trust/syscallDecision';
import type { DecisionRecord, Effect } from './trust/types';

/** How an agent reaches a target: a tool is used; a store is read, written, or both. */
export type AccessKind = 'use' | 'read' | 'write' | 'readwrite';

/** A concrete call to explain instead of the bare capability: its tool, arguments and the labels its values carry. */
export interface ExplainCall {
  /** The tool called (default: the target when it is a tool; archival_search / archival_insert for a store). */
  tool?: string;
  args?: Record<string, unknown>;
  taint?: readonly string[];
}

interface RunStart {
  state: Readonly<KernelState>;
  gate: TrustGate;
  /** Why an agent's job did not start (it never calls anything). */
  failed: ReadonlyMap<string, string>;
}

/** One start per spec object: the Policy view explains every edge of the same document. */
const starts = new WeakMap<HarnessSpec, RunStart>();

/** The run's state once every job started; signatures are taken as verified (the host checks them, not the policy). */
function runStart(spec: HarnessSpec): RunStart {
  let start = starts.get(spec);
  if (!start) {
    const kernel = Kernel.create(spec, { runId: 'explain', seed: 1, signatures: specDigests(spec) });
    const failed = new Map<string, string>();
    for (const e of kernel.events) if (e.type === 'job.failed') failed.set(e.agent, `${e.stage}: ${e.reason}`);
    start = { state: kernel.state, gate: new TrustGate(spec), failed };
    starts.set(spec, start);
  }
  return start;
}

const STRICTNESS: Readonly<Record<Effect, number>> = { allow: 0, ask: 1, deny: 2 };

/** An explained decision: the record the run would emit, and the region's verdict when a declared region holds what is reached. */
export type AccessExplanation = DecisionRecord & { region?: RegionVerdict };

/**
 * `gate` (what the policy stack decided) with the region's verdict on the access: a region that
 * refuses it decides (the run emits region.denied), one that allows it is named beside the gate's reason.
 */
function withRegion(gate: DecisionRecord, access: 'read' | 'write', verdict: RegionVerdict | undefined): AccessExplanation {
  if (verdict === undefined || gate.effect === 'deny') return gate;
  if (verdict.allowed) return { ...gate, reason: `${gate.reason}; ${verdict.detail}`, region: verdict };
  return {
    hook: access === 'write' ? 'memory.write' : 'memory.read', module: 'region', effect: 'deny', rule: `region ${verdict.region}`, scope: null, mode: gate.mode,
    reason: verdict.detail, grant: gate.grant, taint: gate.taint, code: 'region-denied', ask: null, answers: null, region: verdict,
  };
}

/** The stricter of two explanations (deny beats ask beats allow; the first on a tie). */
const stricter = (worst: AccessExplanation, d: AccessExplanation): AccessExplanation => (STRICTNESS[d.effect] > STRICTNESS[worst.effect] ? d : worst);

/**
 * The decision record the run would emit if `agent` reached `target` with `access` at the start
 * of a run of `spec` (no session rule, nothing declassified, every handle as issued): for a
 * tool, a call of it; for a store, the built-in archival_search (read) or archival_insert
 * (write), and for `readwrite` the stricter of the two (deny beats ask beats allow). A call the
 * gate does not refuse is then put to the region of the store it reads or writes, as the run
 * does: a region refusing it decides (module `region`, code `region-denied`), one allowing it is
 * named in the reason; either way `region` carries the verdict. For `artifact:NAME` (read, write
 * or readwrite) the artifact's region alone decides. Without `call`, the call has no arguments
 * and carries no taint, so rules with a specifier do not match it; pass `call` to explain a
 * concrete call. An agent whose job does not start gets a kernel deny at job.create naming why.
 * Throws for an agent the document does not have, and when the document cannot start (e.g. a
 * tokenizer that is not loaded).
 */
export function explainAccess(spec: HarnessSpec, agent: string, target: string, access: AccessKind, call: ExplainCall = {}): AccessExplanation {
  if (!spec.agents.some((a) => a.id === agent)) throw new Error(`explainAccess: the document has no agent "${agent}"`);
  const { state, gate, failed } = runStart(spec);
  const mode = spec.policy.mode;
  const taint = call.taint ?? [];
  const why = failed.get(agent);
  if (why !== undefined) {
    return { hook: 'job.create', module: 'kernel', effect: 'deny', rule: null, scope: null, mode, reason: `${agent}'s job does not start (${why})`, grant: null, taint: [...taint], code: 'job-failed', ask: null, answers: null };
  }
  if (target.startsWith('artifact:')) return explainArtifact(spec, agent, target, access, taint);
  const isStore = spec.stores.some((s) => s.id === target);
  const decideWith = (tool: string, args: Record<string, unknown>): AccessExplanation => {
    const input = { tool, args, ...(taint.length > 0 ? { taint: [...taint] } : {}) };
    const toolSpec = spec.tools.find((t) => t.id === tool);
    const cls = toolClassFor(toolSpec, tool);
    // A bare capability has no arguments to check yet; a concrete call's are checked as the run would.
    const decided = decisionRecord(decideSyscall(gate, state, agent, input, toolSpec, cls, mode, { argSchema: call.args !== undefined }), taint);
    const touched = storeAccessOf(cls, toolSpec, { agent, tool, args, newId: `${tool}-explain` });
    return touched === null ? decided : withRegion(decided, touched.access, regionVerdict(spec.regions, agent, touched.ref, touched.access, { tool }));
  };
  if (!isStore) return decideWith(call.tool ?? target, call.args ?? {});
  const args = { store: target, ...call.args };
  if (call.tool !== undefined) return decideWith(call.tool, args);
  const tools = access === 'readwrite' ? ['archival_search', 'archival_insert'] : access === 'write' ? ['archival_insert'] : ['archival_search'];
  return tools.map((tool) => decideWith(tool, args)).reduce(stricter);
}

/** An artifact is read (a lazy fault) or written by a step, past no policy gate: its region's verdict is the decision. */
function explainArtifact(spec: HarnessSpec, agent: string, ref: string, access: AccessKind, taint: readonly string[]): AccessExplanation {
  if (access === 'use') throw new Error(`explainAccess: ${ref} is read or written, not used`);
  const one = (a: 'read' | 'write'): AccessExplanation => {
    const verdict = regionVerdict(spec.regions, agent, ref, a);
    const base: Pick<DecisionRecord, 'hook' | 'mode' | 'scope' | 'grant' | 'taint' | 'ask' | 'answers'> = { hook: a === 'write' ? 'memory.write' : 'memory.read', mode: spec.policy.mode, scope: null, grant: null, taint: [...taint], ask: null, answers: null };
    if (verdict === undefined) return { ...base, module: 'region', effect: 'allow', rule: null, reason: `${a} of ${ref}: no declared region holds it, so no region refuses it`, code: null };
    return { ...base, module: 'region', effect: verdict.allowed ? 'allow' : 'deny', rule: `region ${verdict.region}`, reason: verdict.detail, code: verdict.allowed ? null : 'region-denied', region: verdict };
  };
  return (access === 'readwrite' ? (['read', 'write'] as const) : [access]).map(one).reduce(stricter);
}
