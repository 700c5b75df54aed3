/**
 * Provenance kept incrementally: `apply` each event once, in seq order, with the projected
 * state after it when there is one (the window an agent read is read from it, once per model
 * call); `records()` lists the changes agents made, each with who, what model, which authority,
 * which inputs and its review status. Per event the cost is constant: a model call's start keeps
 * a reference to the agent's window (a frozen array the reducer replaces on change, never edits),
 * and the window is summarised by source only for a turn that made a change, once. Existing
 * events carry everything it needs; a person's review is the `change.reviewed` event.
 */
import { HUMAN } from '../spec/schema';
import type { KernelState } from '../state/state';
import type { KernelEvent } from '../trace/events';
import { changeOf } from './changes';
import { SIM_VERSION, type ChangeAuthority, type ChangeRecord, type ReviewStatus, type SourceRef } from './types';

type Turn = NonNullable<ChangeRecord['model']>;
/** An agent's context window as the state holds it. */
type Window = KernelState['procs'][string]['context'];

/** What a call carries from its tool.called to the change it makes. */
interface OpenCall {
  callSeq: number;
  tool: string;
  args: Record<string, unknown>;
  taint: string[];
  model: Turn | null;
  sources: SourceRef[] | null;
  authority: ChangeAuthority;
}

/** What the log knows of an agent: its checked prompt, the window of its model call in flight, its last turn and the window that turn read. */
interface AgentFacts {
  prompt: ChangeRecord['prompt'];
  reading: Window | null;
  turn: Turn | null;
  read: Window | null;
  /** `read` summarised by source, once a change of the turn asked. */
  sources: SourceRef[] | null;
}

const KERNEL: ChangeAuthority = Object.freeze({ rule: 'kernel', scope: 'kernel', module: 'kernel', mode: null, handle: null, approvedBy: null });

export class ProvenanceLog {
  private readonly list: ChangeRecord[] = [];
  private readonly bySeq = new Map<number, number>();
  private readonly agents = new Map<string, AgentFacts>();
  private readonly calls = new Map<string, OpenCall>();
  /** Session rules a person remembered while approving: rule id → that tool.approved seq. */
  private readonly remembered = new Map<string, number>();
  private cache: readonly ChangeRecord[] | null = null;

  /** Folds one event in; `state`: the kernel state right after it (sources stay null without it). */
  apply(e: KernelEvent, state?: Readonly<KernelState>): void {
    switch (e.type) {
      case 'job.published':
        this.facts(e.agent).turn = null;
        break;
      case 'trust.signature':
        this.facts(e.agent).prompt = { digest: e.found, signed: e.ok };
        break;
      case 'infer.started': {
        const window = state?.procs[e.agent]?.context;
        // A frozen window is never edited in place: a reference is the window as it is now.
        if (window) this.facts(e.agent).reading = Object.isFrozen(window) ? window : [...window];
        break;
      }
      case 'infer.completed': {
        const f = this.facts(e.agent);
        const provider = e.record?.provider ?? 'sim';
        const reported = e.record ? reportedModel(e.record.response) : SIM_VERSION;
        f.turn = { id: e.model, provider, reported, turn: e.seq };
        f.read = f.reading;
        f.sources = null;
        break;
      }
      case 'tool.called': {
        const f = this.facts(e.agent);
        this.calls.set(e.callId, { callSeq: e.seq, tool: e.tool, args: e.args, taint: [...(e.taint ?? [])], model: f.turn, sources: this.sourcesOf(f), authority: KERNEL });
        break;
      }
      case 'tool.approved': {
        const call = this.calls.get(e.callId);
        const d = e.decision;
        if (d.rule !== null) this.remembered.set(d.rule, e.seq);
        if (call) call.authority = { ...call.authority, module: 'human', mode: d.mode, approvedBy: { seq: e.seq, remembered: d.rule }, ...(d.rule === null ? {} : { rule: d.rule, scope: 'session' }) };
        break;
      }
      case 'tool.allowed': {
        const call = this.calls.get(e.callId);
        if (!call) break;
        const d = e.decision;
        call.taint = union(call.taint, d.taint);
        // After a person's approval the approval stays the authority; the handle is added to it.
        if (call.authority.approvedBy !== null && call.authority.approvedBy.seq > call.callSeq) {
          call.authority = { ...call.authority, handle: d.grant };
          break;
        }
        const rule = d.rule ?? d.module;
        const by = this.remembered.get(rule);
        call.authority = { rule, scope: d.scope ?? '', module: d.module, mode: d.mode, handle: d.grant, approvedBy: by === undefined ? null : { seq: by, remembered: rule } };
        break;
      }
      case 'tool.asked':
        // The ask's rule is what the approval answers; keep it until the approval names its own.
        this.withCall(e.callId, (call) => ({ ...call.authority, rule: e.decision.rule ?? e.decision.module, scope: e.decision.scope ?? '', module: e.decision.module, mode: e.decision.mode, handle: e.decision.grant }));
        break;
      case 'tool.denied':
        this.calls.delete(e.callId);
        break;
      case 'region.denied':
        if (e.callId !== undefined) this.calls.delete(e.callId);
        break;
      case 'tool.returned': {
        const call = this.calls.get(e.callId);
        this.calls.delete(e.callId);
        const change = changeOf(e);
        if (!change || !call) break;
        this.add({
          seq: e.seq, kind: change.kind, agent: e.agent, subject: change.subject, tool: call.tool, args: call.args, callSeq: call.callSeq, content: change.content,
          prompt: this.facts(e.agent).prompt, model: call.model, authority: call.authority,
          inputs: { taint: union(call.taint, e.taint ?? [], e.stored?.taint ?? [], e.core?.taint ?? []), sources: call.sources },
          review: UNREVIEWED, reviews: [],
        });
        break;
      }
      case 'artifact.written':
      case 'msg.sent': {
        const change = changeOf(e);
        if (!change || e.agent === HUMAN) break;
        const f = this.facts(e.agent);
        const authority = e.type === 'msg.sent' ? { ...KERNEL, rule: `channel:${e.channel}`, module: 'channel' } : KERNEL;
        this.add({
          seq: e.seq, kind: change.kind, agent: e.agent, subject: change.subject, tool: null, args: null, callSeq: null, content: change.content,
          prompt: f.prompt, model: f.turn, authority, inputs: { taint: [...(e.taint ?? [])], sources: this.sourcesOf(f) }, review: UNREVIEWED, reviews: [],
        });
        break;
      }
      case 'change.reviewed':
        this.review(e.target, e.seq, e.verdict);
        break;
      case 'audit.rolledback':
        this.review(e.target, e.seq, 'rolled-back');
        break;
      default:
        break;
    }
  }

  /** Every change so far, in seq order (the same array until an event changes one). */
  records(): readonly ChangeRecord[] {
    this.cache ??= [...this.list];
    return this.cache;
  }

  /** The change made by event `seq`, if it made one. */
  record(seq: number): ChangeRecord | undefined {
    const i = this.bySeq.get(seq);
    return i === undefined ? undefined : this.list[i];
  }

  private facts(agent: string): AgentFacts {
    let f = this.agents.get(agent);
    if (!f) this.agents.set(agent, (f = { prompt: null, reading: null, turn: null, read: null, sources: null }));
    return f;
  }

  /** The sources of the window the agent's last turn read, summarised once per turn (null: no state was given). */
  private sourcesOf(f: AgentFacts): SourceRef[] | null {
    if (f.read === null) return null;
    return (f.sources ??= mergeSources(f.read));
  }

  private withCall(callId: string, f: (call: OpenCall) => ChangeAuthority): void {
    const call = this.calls.get(callId);
    if (call) call.authority = f(call);
  }

  private add(record: ChangeRecord): void {
    this.bySeq.set(record.seq, this.list.length);
    this.list.push(record);
    this.cache = null;
  }

  private review(target: number, seq: number, status: ReviewStatus): void {
    const i = this.bySeq.get(target);
    if (i === undefined) return;
    const r = this.list[i]!;
    this.list[i] = { ...r, review: { status, seq }, reviews: [...r.reviews, { seq, status }] };
    this.cache = null;
  }
}

const UNREVIEWED: ChangeRecord['review'] = Object.freeze({ status: 'unreviewed', seq: null });

/** A change's review status as it stood after event `cursor`. */
export function reviewAt(record: ChangeRecord, cursor: number): ReviewStatus {
  let status: ReviewStatus = 'unreviewed';
  for (const r of record.reviews) if (r.seq <= cursor) status = r.status;
  return status;
}

/** The provenance of a whole event list, with the states a projection gives (see ProvenanceLog). */
export function provenanceOf(events: Iterable<KernelEvent>, stateAfter?: (e: KernelEvent) => Readonly<KernelState> | undefined): readonly ChangeRecord[] {
  const log = new ProvenanceLog();
  for (const e of events) log.apply(e, stateAfter?.(e));
  return log.records();
}

/** The window of `agent` in `state`, merged by source, in the order sources first appear. */
export function windowSources(state: Readonly<KernelState>, agent: string): SourceRef[] | null {
  const p = state.procs[agent];
  return p ? mergeSources(p.context) : null;
}

function mergeSources(window: Window): SourceRef[] {
  const out: SourceRef[] = [];
  const at = new Map<string, number>();
  for (const s of window) {
    const i = at.get(s.source);
    if (i === undefined) {
      at.set(s.source, out.length);
      out.push({ source: s.source, trust: s.trust, tokens: s.tokens, taint: [...(s.taint ?? [])] });
      continue;
    }
    const ref = out[i]!;
    ref.tokens += s.tokens;
    if (s.trust === 'untrusted') ref.trust = 'untrusted';
    if (s.taint) ref.taint = union(ref.taint, s.taint);
  }
  return out;
}

/** The model id a provider reported in its response (providers' ChatResponse.model), or null. */
function reportedModel(response: Readonly<Record<string, unknown>>): string | null {
  return typeof response.model === 'string' && response.model !== '' ? response.model : null;
}

function union(...lists: readonly (readonly string[])[]): string[] {
  const out: string[] = [];
  for (const l of lists) for (const x of l) if (!out.includes(x)) out.push(x);
  return out;
}
