/**
 * What each node of the harness graph is doing at one event of a run, for the canvas to draw:
 * which agent holds a slot, what a waiting agent waits on, which messages travel which channel,
 * which tool call is open and how the permission engine decided it. One pure function of the
 * state after the event (and the event itself), so the canvas never restates a kernel rule; its
 * cost is O(agents + messages in flight + open calls), once per cursor move.
 *
 * Every record is flat (strings, numbers, booleans, null): a view compares them field by field
 * and re-draws a node only when its own record changed.
 */
import { HUMAN } from '../spec/schema';
import { SCHED_CLASSES } from '../sched';
import type { KernelEvent, ProcState } from '../trace/events';
import type { DecisionRecord } from '../trust/types';
import type { KernelState, Proc } from './state';
import { waitsOnTurn } from '../sched/turnTaking';

/** What holds a waiting agent back. */
export type WaitKind = 'message' | 'task' | 'person' | 'throttle' | 'tool' | 'slot' | 'turn';

/** One agent at the cursor. */
export interface AgentAtCursor {
  agent: string;
  state: ProcState;
  /** Holds an inference slot (picked or generating): the canvas glows it in its class's colour. */
  running: boolean;
  /** Its scheduling class (deadline, rt, fair, idle, fifo…). */
  class: string;
  model: string;
  /** The slot it holds on `model`, -1 when none. */
  slot: number;
  /** What it waits on, or null when nothing holds it back (running, finished, or about to act). */
  wait: WaitKind | null;
  /** The wait in words: `a message from critic`, `a person: approve fs.write`, `group team spent until 12.0 s`. */
  waitOn: string | null;
  /** Tokens in its context window, and the window's size. */
  windowTokens: number;
  window: number;
  /** Tokens (in + out) and money it has spent. */
  tokens: number;
  cost: number;
  /** Its budget group and that group's use and quota in the current period (null: none or no quota). */
  group: string | null;
  groupTokens: number | null;
  groupTokensQuota: number | null;
  groupCost: number | null;
  groupCostQuota: number | null;
  /** The event at the cursor is this agent's. */
  actsNow: boolean;
}

/** A decision the permission engine (or a person) made on a tool call. */
export type CallDecision = 'allowed' | 'asked' | 'denied';

/** One tool at the cursor: the call open on it, and the decision shown. */
export interface ToolAtCursor {
  tool: string;
  /** Open calls of this tool (agents in a syscall on it). */
  calls: number;
  /** The newest open call's agent and where it is: deciding, waiting for a person, or running. */
  agent: string | null;
  phase: 'deciding' | 'asked' | 'running' | null;
  /** The decision shown: the cursor's own decision event on this tool, else the open call's. */
  decision: CallDecision | null;
  /** Whose call it decided, the deciding module and rule (null: none decided, e.g. a default), its scope and reason. */
  decidedFor: string | null;
  module: string | null;
  rule: string | null;
  scope: string | null;
  reason: string | null;
}

/** One channel at the cursor: the messages travelling on it. */
export interface ChannelAtCursor {
  channel: string;
  /** Messages sent on it and not yet delivered. */
  inFlight: number;
  /** The oldest of them: id, ends, and how far along its way it is (0 sent … 1 arriving). */
  msgId: string;
  from: string;
  to: string;
  progress: number;
  /** The event at the cursor sent or delivered it. */
  sentNow: boolean;
}

/** What the canvas draws at one event. */
export interface CursorView {
  seq: number;
  /** Virtual ms at the cursor. */
  now: number;
  agents: Readonly<Record<string, AgentAtCursor>>;
  tools: Readonly<Record<string, ToolAtCursor>>;
  channels: Readonly<Record<string, ChannelAtCursor>>;
}

/** `t` in seconds for a person (virtual ms → `12.3 s`). */
function seconds(t: number): string {
  return `${(t / 1000).toFixed(1)} s`;
}

/** The first spent budget group on an agent's chain, nearest first. */
function spentGroup(s: KernelState, id: string | null): { group: string; until: number } | null {
  const seen = new Set<string>();
  for (let g = id; g !== null && !seen.has(g); ) {
    seen.add(g);
    const info = s.groups[g];
    if (!info) return null;
    if (info.throttledUntil !== null) return { group: g, until: info.throttledUntil };
    g = info.parent;
  }
  return null;
}

/** Open A2A tasks by client, each with its server (built once per view, only when some agent is blocked). */
type OpenTasks = Map<string, { task: string; server: string }[]>;

function openTasks(s: KernelState): OpenTasks {
  const out: OpenTasks = new Map();
  for (const id in s.tasks) {
    const t = s.tasks[id]!;
    if (t.state !== null && t.state !== 'TASK_STATE_SUBMITTED' && t.state !== 'TASK_STATE_WORKING') continue;
    let list = out.get(t.client);
    if (!list) out.set(t.client, (list = []));
    list.push({ task: id, server: t.server });
  }
  return out;
}

/** What holds `p` back at `s.now`, or null. Read in the order the kernel would: a person, a message, a throttle, a free slot. */
function waitOf(s: KernelState, p: Proc, tasks: () => OpenTasks): { wait: WaitKind; waitOn: string } | null {
  if (p.state === 'syscall' && p.call) {
    if (p.call.asked) return { wait: 'person', waitOn: `a person: ${p.call.asked.decision.ask ?? 'approve'} ${p.call.tool}` };
    return { wait: 'tool', waitOn: `${p.call.tool} (${p.call.decided ? 'running' : 'deciding'})` };
  }
  if (p.state === 'blocked') {
    const from = p.waiting?.from;
    const task = tasks().get(p.id)?.find((t) => from === undefined || t.server === from)?.task;
    if (task !== undefined) return { wait: 'task', waitOn: `task ${task}${from === undefined ? '' : ` (${from})`}` };
    return { wait: 'message', waitOn: from === undefined ? 'a message' : from === HUMAN ? 'a message from a person' : `a message from ${from}` };
  }
  if (p.state !== 'ready') return null;
  if (p.retry?.at != null) return { wait: 'throttle', waitOn: `a retry of ${p.model} at ${seconds(p.retry.at)}` };
  const turn = waitsOnTurn(s, p.id);
  if (turn) return { wait: 'turn', waitOn: `its turn in ${turn.group}${turn.speaker === null ? '' : ` (${turn.speaker} speaks)`}` };
  const spent = spentGroup(s, p.group);
  if (spent) return { wait: 'throttle', waitOn: `group ${spent.group} spent until ${seconds(spent.until)}` };
  const ep = s.endpoints?.[p.model];
  if (ep?.throttledUntil != null && ep.throttledUntil > s.now) return { wait: 'throttle', waitOn: `${p.model} ${ep.reason ?? 'throttled'} until ${seconds(ep.throttledUntil)}` };
  const cls = SCHED_CLASSES.get(p.class);
  const rq = s.runqueues[p.model]?.[p.class];
  if (cls && rq !== undefined && cls.throttled(rq, p.id, s.now)) return { wait: 'throttle', waitOn: `${p.class} throttle` };
  return { wait: 'slot', waitOn: `a slot on ${p.model}` };
}

function agentAt(s: KernelState, p: Proc, at: KernelEvent | undefined, tasks: () => OpenTasks): AgentAtCursor {
  const g = p.group === null ? undefined : s.groups[p.group];
  const w = waitOf(s, p, tasks);
  return {
    agent: p.id,
    state: p.state,
    running: p.state === 'running' && p.slot >= 0,
    class: p.class,
    model: p.model,
    slot: p.slot,
    wait: w?.wait ?? null,
    waitOn: w?.waitOn ?? null,
    windowTokens: p.contextTokens,
    window: p.window,
    tokens: p.tokensIn + p.tokensOut,
    cost: p.cost,
    group: p.group,
    groupTokens: g ? g.usedTokens : null,
    groupTokensQuota: g?.tokens ?? null,
    groupCost: g ? g.usedCost : null,
    groupCostQuota: g?.cost ?? null,
    actsNow: at?.agent === p.id,
  };
}

const DECISION_OF: Partial<Record<KernelEvent['type'], CallDecision>> = {
  'tool.allowed': 'allowed',
  'tool.approved': 'allowed',
  'tool.asked': 'asked',
  'tool.denied': 'denied',
};

function decided(t: ToolAtCursor, effect: CallDecision, agent: string, d: Pick<DecisionRecord, 'module' | 'rule' | 'scope' | 'reason'>): void {
  t.decision = effect;
  t.decidedFor = agent;
  t.module = d.module;
  t.rule = d.rule;
  t.scope = d.scope;
  t.reason = d.reason;
}

function toolRecord(tools: Record<string, ToolAtCursor>, tool: string): ToolAtCursor {
  return (tools[tool] ??= { tool, calls: 0, agent: null, phase: null, decision: null, decidedFor: null, module: null, rule: null, scope: null, reason: null });
}

/**
 * The display facts of every agent, open tool call and channel in flight at the cursor: `s` is
 * the state after event `at` (the event at the cursor, when the caller holds it: it names the
 * decision a denied call leaves no trace of in the state, and the agent acting now).
 */
export function cursorView(s: Readonly<KernelState>, at?: KernelEvent): CursorView {
  const state = s as KernelState;
  const event = at !== undefined && at.seq === s.seq ? at : undefined;
  const agents: Record<string, AgentAtCursor> = {};
  const tools: Record<string, ToolAtCursor> = {};
  let byClient: OpenTasks | null = null;
  const tasks = (): OpenTasks => (byClient ??= openTasks(state));
  for (const id of s.order) {
    const p = s.procs[id];
    if (!p) continue;
    agents[id] = agentAt(state, p, event, tasks);
    const call = p.call;
    if (p.state !== 'syscall' || !call) continue;
    const t = toolRecord(tools, call.tool);
    t.calls += 1;
    t.agent = id;
    t.phase = call.asked ? 'asked' : call.decided ? 'running' : 'deciding';
    if (call.asked) decided(t, 'asked', id, call.asked.decision);
    else if (call.decided && call.decision) decided(t, 'allowed', id, call.decision);
  }
  const effect = event ? DECISION_OF[event.type] : undefined;
  if (event && effect && 'decision' in event && 'tool' in event) decided(toolRecord(tools, event.tool), effect, event.agent!, event.decision);

  const channels: Record<string, ChannelAtCursor> = {};
  for (const m of s.inflight) {
    const channel = m.channel;
    if (channel === undefined) continue;
    const c = channels[channel];
    if (c) {
      c.inFlight += 1;
      continue;
    }
    const span = m.sentAt === undefined ? 0 : m.deliverAt - m.sentAt;
    const progress = span <= 0 ? 0.5 : Math.min(1, Math.max(0, (s.now - m.sentAt!) / span));
    channels[channel] = { channel, inFlight: 1, msgId: m.msgId, from: m.from, to: m.to, progress, sentNow: event?.type === 'msg.sent' && event.msgId === m.msgId };
  }
  // A message delivered at the cursor has just arrived: it is drawn at its edge's end.
  if (event?.type === 'msg.delivered' && !Object.values(channels).some((c) => c.msgId === event.msgId)) {
    const channel = s.procs[event.to]?.inbox.find((m) => m.msgId === event.msgId)?.channel ?? null;
    if (channel !== null && !channels[channel]) channels[channel] = { channel, inFlight: 0, msgId: event.msgId, from: event.from, to: event.to, progress: 1, sentNow: false };
  }
  return { seq: s.seq, now: s.now, agents, tools, channels };
}
