/**
 * Two runs compared (issue 16, "Compare runs"): a run and its fork, or one document at two
 * seeds. Events are compared by their canonical content (trace/hash.ts: the run id left out,
 * and run.started's seed, which only names the run), so the first event where the two streams
 * differ is where their histories part. A fork differs at its `run.forked`; after that marker
 * and a person's `human.edited` events, `rejoined` says where the fork's own decisions first
 * differ from the parent's (null: it goes on exactly as the parent did). Per agent, the two end
 * states and the decisions the agent made are summarised and their differences listed.
 */
import type { Action } from '../cpu/cpu';
import type { KernelState, Proc } from '../state/state';
import type { EventOf, KernelEvent } from './events';
import { canonicalEvent } from './hash';

/** One agent at the end of one run: what it decided, what its window held, what it spent. */
export interface AgentSummary {
  state: string;
  turns: number;
  /** Its decisions in order, one line each (`call web_search`, `send writer: …`). */
  decisions: string[];
  /** The seq of each decision's infer.completed. */
  decisionSeqs: number[];
  windowTokens: number;
  segments: number;
  tokensIn: number;
  tokensOut: number;
  cost: number;
  finished: string | null;
}

/** One agent in both runs, and how it differs (empty when it does not). */
export interface AgentDiff {
  agent: string;
  a: AgentSummary | null;
  b: AgentSummary | null;
  /** The first decision that differs: its index, and the seq of it in each run (null: that run made fewer decisions). */
  firstDecision: { index: number; a: number | null; b: number | null } | null;
  differences: string[];
}

/** Where two runs part, and how their agents differ at the end. */
export interface RunDiff {
  /** The first seq at which the events differ (one run may simply be longer); null: the two traces are the same. */
  divergence: { seq: number; a: KernelEvent | null; b: KernelEvent | null } | null;
  /**
   * When run `b` (or `a`) forks the other at the divergence: after its `run.forked` and the
   * `human.edited` events that follow, the first of its events that differ from the parent's
   * continuation (`a` / `b`: the seq in each run), or null when it goes on exactly as the parent.
   */
  rejoined: { markers: number; a: number; b: number } | null;
  lengths: { a: number; b: number };
  agents: AgentDiff[];
}

/** The event as compared: canonical JSON without the run id, run.started without its seed. */
function comparable(e: KernelEvent): string {
  return canonicalEvent(e.type === 'run.started' ? ({ ...e, seed: 0 } as KernelEvent) : e);
}

/**
 * Also ignores where an event sits: its seq, and its cause (a seq too, which after a fork's
 * markers may point at a marker: an edited agent's next event is caused by its edit).
 */
function comparableAnywhere(e: KernelEvent): string {
  const { seq: _seq, cause: _cause, ...rest } = e;
  return comparable(rest as KernelEvent);
}

/** The first index at which `a` and `b` differ, or -1 when one is a prefix of the other of equal length. */
function firstDifference(a: readonly KernelEvent[], b: readonly KernelEvent[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (comparable(a[i]!) !== comparable(b[i]!)) return i;
  return a.length === b.length ? -1 : n;
}

/** A decision in one line. */
export function decisionLine(a: Action): string {
  switch (a.kind) {
    case 'think':
      return 'think';
    case 'call':
      return `call ${a.tool} ${JSON.stringify(a.args)}`;
    case 'send':
      return `send ${a.to}: ${a.text}`;
    case 'recv':
      return `recv${a.from ? ` from ${a.from}` : ''}`;
    case 'write':
      return `write ${a.artifact}: ${a.text}`;
    case 'read':
      return `read ${a.ref}`;
    case 'finish':
      return `finish: ${a.text}`;
    case 'spawn':
      return `spawn ${a.template}: ${a.task}`;
  }
}

function summaryOf(p: Proc | undefined, events: readonly KernelEvent[], agent: string): AgentSummary | null {
  if (!p) return null;
  const done = events.filter((e): e is EventOf<'infer.completed'> => e.type === 'infer.completed' && e.agent === agent);
  return {
    state: p.state, turns: p.turn, decisions: done.map((e) => decisionLine(e.action)), decisionSeqs: done.map((e) => e.seq),
    windowTokens: p.contextTokens, segments: p.context.length, tokensIn: p.tokensIn, tokensOut: p.tokensOut, cost: p.cost, finished: p.finished,
  };
}

const money = (n: number) => `$${n.toFixed(6)}`;

function agentDiff(agent: string, a: AgentSummary | null, b: AgentSummary | null): AgentDiff {
  if (!a || !b) return { agent, a, b, firstDecision: null, differences: [a ? 'runs only in A' : 'runs only in B'] };
  const out: string[] = [];
  let firstDecision: AgentDiff['firstDecision'] = null;
  const n = Math.max(a.decisions.length, b.decisions.length);
  for (let i = 0; i < n; i++) {
    if (a.decisions[i] === b.decisions[i]) continue;
    firstDecision = { index: i, a: a.decisionSeqs[i] ?? null, b: b.decisionSeqs[i] ?? null };
    out.push(`decision ${i + 1} differs: A ${a.decisions[i] ?? '(none)'} · B ${b.decisions[i] ?? '(none)'}`);
    break;
  }
  if (a.decisions.length !== b.decisions.length) out.push(`decisions: ${a.decisions.length} vs ${b.decisions.length}`);
  if (a.state !== b.state) out.push(`state: ${a.state} vs ${b.state}`);
  if (a.windowTokens !== b.windowTokens || a.segments !== b.segments) out.push(`window: ${a.windowTokens} tokens in ${a.segments} segments vs ${b.windowTokens} in ${b.segments}`);
  if (a.tokensIn !== b.tokensIn || a.tokensOut !== b.tokensOut) out.push(`tokens: ${a.tokensIn} in / ${a.tokensOut} out vs ${b.tokensIn} / ${b.tokensOut}`);
  if (a.cost !== b.cost) out.push(`cost: ${money(a.cost)} vs ${money(b.cost)}`);
  if (a.finished !== b.finished) out.push(`finished: ${JSON.stringify(a.finished)} vs ${JSON.stringify(b.finished)}`);
  return { agent, a, b, firstDecision, differences: out };
}

/** After a fork marker at `at` in `fork`: its markers and the first event that differs from `parent`'s continuation. */
function rejoin(parent: readonly KernelEvent[], fork: readonly KernelEvent[], at: number): { markers: number; parent: number; fork: number } | null {
  let m = 1;
  while (fork[at + m]?.type === 'human.edited') m++;
  for (let i = at; ; i++) {
    const p = parent[i];
    const f = fork[i + m];
    if (!p && !f) return null;
    if (!p || !f || comparableAnywhere(p) !== comparableAnywhere(f)) return { markers: m, parent: i, fork: i + m };
  }
}

/**
 * Compares run `a` with run `b`: their events (the whole traces) and their states at the end.
 * Pure: the host reads both traces and end states and asks this.
 */
export function diffRuns(a: readonly KernelEvent[], b: readonly KernelEvent[], endA: Readonly<KernelState>, endB: Readonly<KernelState>): RunDiff {
  const at = firstDifference(a, b);
  const divergence = at < 0 ? null : { seq: at, a: a[at] ?? null, b: b[at] ?? null };
  let rejoined: RunDiff['rejoined'] = null;
  if (divergence?.b?.type === 'run.forked') {
    const r = rejoin(a, b, at);
    rejoined = r && { markers: r.markers, a: r.parent, b: r.fork };
  } else if (divergence?.a?.type === 'run.forked') {
    const r = rejoin(b, a, at);
    rejoined = r && { markers: r.markers, a: r.fork, b: r.parent };
  }
  const agents = [...new Set([...endA.order, ...endB.order])];
  return {
    divergence, rejoined, lengths: { a: a.length, b: b.length },
    agents: agents.map((id) => agentDiff(id, summaryOf(endA.procs[id], a, id), summaryOf(endB.procs[id], b, id))),
  };
}
