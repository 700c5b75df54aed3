/**
 * The conversation of a run as a sequence diagram needs it, reduced from its events up to the
 * debugger's cursor: lifelines, messages (sent, delivered, read, denied), A2A task states, and
 * how many tracked facts each edge (sender → receiver) carried intact.
 *
 * A `SequenceBuilder` reads events forward once; `SequenceCache` keeps one per trace and only
 * rebuilds when the cursor moves back or the trace is replaced. Records are replaced, never
 * changed, so a `SequenceModel` handed to React stays as it was when it was taken.
 */
import { HUMAN, type EventOf, type KernelEvent } from '../../kernel';

/** A2A TaskState by its ProtoJSON name, as `task.updated` carries it. */
export type TaskState = EventOf<'task.updated'>['to'];

/** Which tracked facts the sender held, and which reached the receiver's window (msg.retained). */
export interface Retained {
  tracked: readonly string[];
  arrived: readonly string[];
  lost: readonly string[];
}

/** One arrow: a msg.sent (with its delivery, read and retention), or a msg.denied (crossed). */
export interface SeqMessage {
  /** seq of the msg.sent, or of the msg.denied: what selecting the arrow moves the cursor to. */
  seq: number;
  /** null for a denied message: it never got an id. */
  msgId: string | null;
  from: string;
  to: string;
  channel: string | null;
  tSent: number;
  /** When the channel was due to deliver it (msg.sent `deliverAt`); null when denied. */
  deliverAt: number | null;
  tDelivered: number | null;
  deliveredSeq: number | null;
  /** When the receiver took it from its inbox (agent.woke). */
  tRead: number | null;
  readSeq: number | null;
  text: string;
  facts: readonly string[];
  task: string | null;
  retained: Retained | null;
  retainedSeq: number | null;
  /** The policy's reason, for a msg.denied. */
  denied?: string;
}

/** One state of a task, from the task.updated that entered it. */
export interface TaskMark {
  state: TaskState;
  t: number;
  seq: number;
  reason: string;
  msgId: string | null;
}

/** An A2A task: `client` asked, `server` works on it; its states in order. */
export interface TaskTrack {
  task: string;
  contextId: string;
  client: string;
  server: string;
  states: readonly TaskMark[];
}

/** Retention over every message of one edge: counts are summed over messages, `lost` is each fact once. */
export interface EdgeRetention {
  from: string;
  to: string;
  messages: number;
  tracked: number;
  arrived: number;
  /** arrived / tracked; null when no fact was tracked on this edge. */
  ratio: number | null;
  lost: readonly string[];
}

/** The longest path of edges that tracked facts, and which facts tracked on its first edge survived every hop. */
export interface RetentionChain {
  path: readonly string[];
  tracked: readonly string[];
  survived: readonly string[];
  ratio: number;
}

export interface SequenceModel {
  /** seq of the last event read; -1 before any. */
  head: number;
  /** Columns, left to right: the human (when a message involves them), then agents. */
  lifelines: readonly string[];
  /** In seq order (so by send time). */
  messages: readonly SeqMessage[];
  /** In order of creation. */
  tasks: readonly TaskTrack[];
  /** In order of first message. */
  edges: readonly EdgeRetention[];
  chain: RetentionChain | null;
}

/**
 * `TASK_STATE_INPUT_REQUIRED` → "input-required" (the short name A2A prose uses). Stopgap: the
 * kernel's `taskStateName` (ipc/taskState.ts) is not exported through src/kernel yet.
 */
export function stateName(state: TaskState): string {
  return state.replace(/^TASK_STATE_/, '').toLowerCase().replace(/_/g, '-');
}

/**
 * Completed, failed, canceled, rejected: a task never leaves these. Stopgap: the kernel's
 * `isTerminal` (ipc/taskState.ts) is not exported through src/kernel yet.
 */
export function isTerminalState(state: TaskState): boolean {
  return state === 'TASK_STATE_COMPLETED' || state === 'TASK_STATE_FAILED' || state === 'TASK_STATE_CANCELED' || state === 'TASK_STATE_REJECTED';
}

/** The last state a task reached. */
export function lastState(task: TaskTrack): TaskMark | null {
  return task.states[task.states.length - 1] ?? null;
}

const edgeKey = (from: string, to: string): string => `${from}\u0000${to}`;

interface EdgeSets {
  tracked: Set<string>;
  arrived: Set<string>;
}

/** Reads events forward, in seq order, into the records of a `SequenceModel`. */
export class SequenceBuilder {
  /** seq of the last event read; -1 before any. */
  head = -1;
  /** The trace this builder read (its first event): a new trace needs a new builder. */
  first: KernelEvent | undefined;
  private readonly messages: SeqMessage[] = [];
  private readonly tasks: TaskTrack[] = [];
  private readonly edges: EdgeRetention[] = [];
  private readonly byMsgId = new Map<string, number>();
  private readonly taskIndex = new Map<string, number>();
  private readonly edgeIndex = new Map<string, number>();
  private readonly edgeSets = new Map<string, EdgeSets>();
  /** Participants in order of first appearance, from run.started then messages. */
  private readonly seen: string[] = [];
  private readonly seenSet = new Set<string>();
  private human = false;

  /** Reads `events` after `head` up to seq `to` (inclusive). */
  advance(events: readonly KernelEvent[], to: number): void {
    this.first ??= events[0];
    const end = Math.min(to, events.length - 1);
    // A windowed run holds only some events (store/runSliceWindow.ts): the rest are holes.
    for (let i = this.head + 1; i <= end; i++) {
      const e = events[i];
      if (e) this.read(e);
    }
    this.head = Math.max(this.head, end);
  }

  /** The model as read so far, with `agents` (document order) first among the agent lifelines. */
  model(agents: readonly string[]): SequenceModel {
    const lifelines: string[] = this.human ? [HUMAN] : [];
    const placed = new Set(lifelines);
    for (const a of [...agents, ...this.seen]) {
      if (a === HUMAN || placed.has(a)) continue;
      placed.add(a);
      lifelines.push(a);
    }
    return {
      head: this.head,
      lifelines,
      messages: this.messages.slice(),
      tasks: this.tasks.slice(),
      edges: this.edges.slice(),
      chain: retentionChain(this.edges, this.edgeSets),
    };
  }

  private meet(who: string): void {
    if (who === HUMAN) this.human = true;
    else if (!this.seenSet.has(who)) {
      this.seenSet.add(who);
      this.seen.push(who);
    }
  }

  /** Replaces message `msgId` by `patch(it)`, if it was sent. */
  private patch(msgId: string, patch: (m: SeqMessage) => SeqMessage): void {
    const i = this.byMsgId.get(msgId);
    if (i !== undefined) this.messages[i] = patch(this.messages[i]!);
  }

  private read(e: KernelEvent): void {
    switch (e.type) {
      case 'run.started':
        e.agents.forEach((a) => this.meet(a));
        return;
      case 'msg.sent':
        this.meet(e.from);
        this.meet(e.to);
        this.byMsgId.set(e.msgId, this.messages.length);
        this.messages.push({
          seq: e.seq, msgId: e.msgId, from: e.from, to: e.to, channel: e.channel, tSent: e.t, deliverAt: e.deliverAt,
          tDelivered: null, deliveredSeq: null, tRead: null, readSeq: null, text: e.text, facts: e.facts, task: e.task ?? null,
          retained: null, retainedSeq: null,
        });
        return;
      case 'msg.denied':
        this.meet(e.from);
        this.meet(e.to);
        this.messages.push({
          seq: e.seq, msgId: null, from: e.from, to: e.to, channel: null, tSent: e.t, deliverAt: null,
          tDelivered: null, deliveredSeq: null, tRead: null, readSeq: null, text: '', facts: [], task: null,
          retained: null, retainedSeq: null, denied: e.decision.reason,
        });
        return;
      case 'msg.delivered':
        this.patch(e.msgId, (m) => ({ ...m, tDelivered: e.t, deliveredSeq: e.seq }));
        return;
      case 'remote.replied':
        // The remote agent took the message and answered: its answer is an arrow back, already in the sender's inbox.
        this.patch(e.msgId, (m) => ({ ...m, tDelivered: e.t, deliveredSeq: e.seq, tRead: e.t, readSeq: e.seq }));
        this.meet(e.remote);
        this.byMsgId.set(e.replyId, this.messages.length);
        this.messages.push({
          seq: e.seq, msgId: e.replyId, from: e.remote, to: e.agent, channel: null, tSent: e.t, deliverAt: e.t,
          tDelivered: e.t, deliveredSeq: e.seq, tRead: null, readSeq: null, text: e.text, facts: [], task: e.task ?? null,
          retained: null, retainedSeq: null,
        });
        return;
      case 'agent.woke':
        this.patch(e.msgId, (m) => (m.tRead === null ? { ...m, tRead: e.t, readSeq: e.seq } : m));
        return;
      case 'msg.retained':
        this.patch(e.msgId, (m) => ({ ...m, retained: { tracked: e.tracked, arrived: e.arrived, lost: e.lost }, retainedSeq: e.seq }));
        this.retain(e);
        return;
      case 'task.updated': {
        const mark: TaskMark = { state: e.to, t: e.t, seq: e.seq, reason: e.reason, msgId: e.msgId };
        const i = this.taskIndex.get(e.task);
        if (i === undefined) {
          this.taskIndex.set(e.task, this.tasks.length);
          this.tasks.push({ task: e.task, contextId: e.contextId, client: e.client, server: e.server, states: [mark] });
        } else {
          const tr = this.tasks[i]!;
          this.tasks[i] = { ...tr, states: [...tr.states, mark] };
        }
        return;
      }
      default:
        return;
    }
  }

  private retain(e: EventOf<'msg.retained'>): void {
    const key = edgeKey(e.from, e.to);
    let i = this.edgeIndex.get(key);
    if (i === undefined) {
      i = this.edges.length;
      this.edgeIndex.set(key, i);
      this.edges.push({ from: e.from, to: e.to, messages: 0, tracked: 0, arrived: 0, ratio: null, lost: [] });
      this.edgeSets.set(key, { tracked: new Set(), arrived: new Set() });
    }
    const sets = this.edgeSets.get(key)!;
    e.tracked.forEach((f) => sets.tracked.add(f));
    e.arrived.forEach((f) => sets.arrived.add(f));
    const prev = this.edges[i]!;
    const tracked = prev.tracked + e.tracked.length;
    const arrived = prev.arrived + e.arrived.length;
    const newLost = e.lost.filter((f) => !prev.lost.includes(f));
    this.edges[i] = {
      ...prev,
      messages: prev.messages + 1,
      tracked,
      arrived,
      ratio: tracked === 0 ? null : arrived / tracked,
      lost: newLost.length === 0 ? prev.lost : [...prev.lost, ...newLost],
    };
  }
}

/** Paths longer than this are not searched further (a harness has a handful of agents). */
const MAX_CHAIN_STEPS = 20_000;

/**
 * End-to-end retention over the longest simple path of edges that tracked facts (ties: the one
 * found first, in edge order). The facts tracked on its first edge survive a hop when they
 * arrived over it. Null when no path has two hops: one edge is already its own table row.
 */
function retentionChain(edges: readonly EdgeRetention[], sets: ReadonlyMap<string, EdgeSets>): RetentionChain | null {
  const out = new Map<string, EdgeRetention[]>();
  for (const e of edges) {
    if (e.tracked === 0 || e.from === e.to) continue;
    const list = out.get(e.from) ?? [];
    list.push(e);
    out.set(e.from, list);
  }
  let best: string[] = [];
  let steps = 0;
  const walk = (path: string[]): void => {
    if (++steps > MAX_CHAIN_STEPS) return;
    if (path.length > best.length) best = path.slice();
    for (const e of out.get(path[path.length - 1]!) ?? []) {
      if (path.includes(e.to)) continue;
      path.push(e.to);
      walk(path);
      path.pop();
    }
  };
  for (const from of out.keys()) walk([from]);
  if (best.length < 3) return null;
  const first = sets.get(edgeKey(best[0]!, best[1]!))!;
  const tracked = [...first.tracked];
  let alive = new Set(tracked);
  for (let i = 0; i + 1 < best.length; i++) {
    const arrived = sets.get(edgeKey(best[i]!, best[i + 1]!))!.arrived;
    alive = new Set([...alive].filter((f) => arrived.has(f)));
  }
  const survived = tracked.filter((f) => alive.has(f));
  return { path: best, tracked, survived, ratio: tracked.length === 0 ? 0 : survived.length / tracked.length };
}

/** The model of `events` up to seq `cursor` (nothing before the first event: cursor −1). */
export function sequenceAt(events: readonly KernelEvent[], cursor: number, agents: readonly string[]): SequenceModel {
  const b = new SequenceBuilder();
  b.advance(events, cursor);
  return b.model(agents);
}

/**
 * Keeps one builder per trace: a cursor moving forward (or a live run following its head) reads
 * only the new events; a cursor moving back, or another trace, starts over.
 */
export class SequenceCache {
  private builder = new SequenceBuilder();
  private events: readonly KernelEvent[] | null = null;
  private last: { agents: readonly string[]; model: SequenceModel } | null = null;

  at(events: readonly KernelEvent[], cursor: number, agents: readonly string[]): SequenceModel {
    const to = Math.min(cursor, events.length - 1);
    const b0 = this.builder;
    // Another trace, or another window of a windowed run (whose first slot is a hole): start over.
    if (b0.head > to || (b0.first !== undefined && b0.first !== events[0]) || (events[0] === undefined && this.events !== events)) {
      this.builder = new SequenceBuilder();
      this.last = null;
    }
    this.events = events;
    const b = this.builder;
    const before = b.head;
    b.advance(events, to);
    if (this.last && b.head === before && this.last.agents === agents) return this.last.model;
    const model = b.model(agents);
    this.last = { agents, model };
    return model;
  }
}

/**
 * Tasks waiting on the person at the studio: their last state is input-required, and either the
 * human is their client or their server sent the human a message within the task.
 */
export function inputRequiredForHuman(model: SequenceModel): TaskTrack[] {
  const askedHuman = new Set<string>();
  for (const m of model.messages) if (m.task !== null && m.to === HUMAN) askedHuman.add(`${m.task}\u0000${m.from}`);
  return model.tasks.filter((t) => {
    if (lastState(t)?.state !== 'TASK_STATE_INPUT_REQUIRED') return false;
    return t.client === HUMAN || askedHuman.has(`${t.task}\u0000${t.server}`);
  });
}

/** The message an event belongs to (its send, denial, delivery, read or retention), or null. */
export function messageAtSeq(model: SequenceModel, seq: number): SeqMessage | null {
  if (seq < 0) return null;
  for (let i = model.messages.length - 1; i >= 0; i--) {
    const m = model.messages[i]!;
    if (m.seq === seq || m.deliveredSeq === seq || m.readSeq === seq || m.retainedSeq === seq) return m;
  }
  return null;
}
