/**
 * The decision log of the Permissions view: one row per trust decision in a run (a call allowed,
 * denied, asked or approved, a message refused, a signature checked, a capability lease ended),
 * each naming the rule, scope, module and mode that decided it and the taint it carried.
 *
 * A log is built once per trace and advanced to the head as events arrive (a run's events array
 * only grows), like the scheduler's timeline; the view reads the rows up to the scrubber by
 * binary search, and each filter keeps its own list, grown in place as rows arrive. Each row is
 * read from its event alone (the kernel writes one complete decision record per trust event).
 */
import type { DecisionRecord, KernelEvent, KernelEventType } from '../../kernel';
import { searchLast } from '../sched/timeline';

/** allow, deny and ask are the policy stack's effects; approved is a human's answer to an ask. */
/** expired: a capability lease ended (not a refusal: what it allowed is over). */
export type DecisionOutcome = 'allow' | 'deny' | 'ask' | 'approved' | 'expired';
export const DECISION_OUTCOMES: readonly DecisionOutcome[] = Object.freeze(['allow', 'deny', 'ask', 'approved', 'expired']);

export interface DecisionRow {
  seq: number;
  t: number;
  type: KernelEventType;
  agent: string;
  /** The tool called; `send` for messages, `job` for signature checks, the target for an ended lease. */
  tool: string;
  outcome: DecisionOutcome;
  /** The deciding rule: a rule id, `mode:<mode>`, `capability:<agent>-><target>`, `signature`… ('' when none did: a human, the kernel). */
  rule: string;
  scope: string;
  module: string;
  /** The permission mode in force ('' for an ended lease, which no mode decided). */
  mode: string;
  reason: string;
  /** Source labels of the values the operation carried (empty: untainted). */
  taint: readonly string[];
  /** The hook point: `tool.call`, `msg.send`, `job.create`… */
  hook: string;
  /** The call decided, for tool decisions. */
  callId: string | null;
  /** What "Show on canvas" points at: the deciding rule, or for a human's approval the rule that asked. */
  canvasRule: string;
}

export interface DecisionFilter {
  agent: string | null;
  tool: string | null;
  outcome: DecisionOutcome | null;
}

export const NO_FILTER: DecisionFilter = Object.freeze({ agent: null, tool: null, outcome: null });

const NONE: readonly string[] = Object.freeze([]);

export function matchesDecision(row: DecisionRow, f: DecisionFilter): boolean {
  return (f.agent === null || row.agent === f.agent) && (f.tool === null || row.tool === f.tool) && (f.outcome === null || row.outcome === f.outcome);
}

const isOpen = (f: DecisionFilter) => f.agent === null && f.tool === null && f.outcome === null;
const filterKey = (f: DecisionFilter) => `${f.agent ?? ''}\u0000${f.tool ?? ''}\u0000${f.outcome ?? ''}`;

/** Filtered lists kept at once; more are dropped oldest first (each is rebuilt on demand). */
const MAX_FILTERS = 8;

/** How many rows of `rows` (ascending by seq) have seq ≤ `seq`. */
export function countUntil(rows: readonly DecisionRow[], seq: number): number {
  return searchLast(rows.length, (i) => rows[i]!.seq, seq) + 1;
}

export class DecisionLog {
  /** seq of the last event read; -1 before any. */
  head = -1;
  /** Every decision read, ascending by seq. */
  readonly rows: DecisionRow[] = [];
  /** Agents and tools that have a decision, in order of first appearance (for the filters). */
  readonly agents: string[] = [];
  readonly tools: string[] = [];

  private readonly agentSet = new Set<string>();
  private readonly toolSet = new Set<string>();
  private readonly filtered = new Map<string, { read: number; rows: DecisionRow[] }>();

  /** Reads events up to `head` (inclusive) not read yet. `events[i].seq === i`. */
  advance(events: readonly KernelEvent[], head: number): this {
    const last = Math.min(head, events.length - 1);
    for (let i = this.head + 1; i <= last; i++) {
      const e = events[i];
      // A windowed run holds only some events (store/runSliceWindow.ts): the rest are holes.
      if (!e) continue;
      const row = this.rowOf(e, events);
      if (row) this.add(row);
    }
    if (last > this.head) this.head = last;
    return this;
  }

  /** The rows that pass `filter`, ascending by seq, up to the head read. Grown in place. */
  matching(filter: DecisionFilter): readonly DecisionRow[] {
    if (isOpen(filter)) return this.rows;
    const key = filterKey(filter);
    let list = this.filtered.get(key);
    if (list) this.filtered.delete(key); // re-inserted below: most recently used last
    else list = { read: 0, rows: [] };
    for (; list.read < this.rows.length; list.read++) {
      const row = this.rows[list.read]!;
      if (matchesDecision(row, filter)) list.rows.push(row);
    }
    this.filtered.set(key, list);
    if (this.filtered.size > MAX_FILTERS) this.filtered.delete(this.filtered.keys().next().value!);
    return list.rows;
  }

  private add(row: DecisionRow): void {
    this.rows.push(row);
    if (!this.agentSet.has(row.agent)) {
      this.agentSet.add(row.agent);
      this.agents.push(row.agent);
    }
    if (!this.toolSet.has(row.tool)) {
      this.toolSet.add(row.tool);
      this.tools.push(row.tool);
    }
  }

  /** A row read straight from the event's decision record; `events` only to name the rule behind an ask a human answered. */
  private rowOf(e: KernelEvent, events: readonly KernelEvent[]): DecisionRow | null {
    const at = { seq: e.seq, t: e.t, type: e.type };
    const fromRecord = (d: DecisionRecord, outcome: DecisionOutcome, tool: string, callId: string | null, reason: string): DecisionRow => {
      // A human's answer points the canvas at the rule that asked (the kernel names that ask).
      const asked = d.answers === null ? undefined : events[d.answers];
      const canvasRule = asked && 'decision' in asked ? (asked.decision.rule ?? '') : (d.rule ?? '');
      return {
        ...at, agent: e.agent ?? '', tool, outcome, rule: d.rule ?? '', scope: d.scope ?? '', module: d.module, mode: d.mode,
        reason, taint: d.taint, hook: d.hook, callId, canvasRule,
      };
    };
    switch (e.type) {
      case 'tool.allowed': {
        const d = e.decision;
        return fromRecord(d, 'allow', e.tool, e.callId, d.grant ? `${d.reason} (with handle ${d.grant})` : d.reason);
      }
      case 'tool.denied': {
        const d = e.decision;
        return fromRecord(d, 'deny', e.tool, e.callId, d.code && d.module !== 'human' ? `${d.reason} [${d.code}]` : d.reason);
      }
      case 'tool.asked': {
        const d = e.decision;
        return fromRecord(d, 'ask', e.tool, e.callId, d.ask === 'declassify' ? `declassify? ${d.reason}` : d.reason);
      }
      case 'tool.approved':
        return fromRecord(e.decision, 'approved', e.tool, e.callId, e.decision.reason);
      case 'msg.denied':
        return fromRecord(e.decision, 'deny', 'send', null, `to ${e.to}: ${e.decision.reason}`);
      case 'trust.signature':
        return fromRecord(e.decision, e.decision.effect === 'allow' ? 'allow' : 'deny', 'job', null, e.decision.reason);
      case 'cap.expired':
        // Not a decision: a lease ran out. Its fields are all required; the row names the capability it ended.
        return {
          ...at, agent: e.agent, tool: e.target, outcome: 'expired', rule: `capability:${e.agent}->${e.target}`, scope: 'agent', module: 'capability', mode: '',
          reason: `lease of ${e.handle} ended: ${e.reason}`, taint: NONE, hook: 'tool.call', callId: null, canvasRule: `capability:${e.agent}->${e.target}`,
        };
      default:
        return null;
    }
  }
}

const cache = new WeakMap<readonly KernelEvent[], DecisionLog>();

/**
 * The decision log of a trace, read up to `head`. One per events array (a run's projection owns
 * its array and only appends to it), so calling this per batch costs only the new events.
 */
export function decisionLogFor(events: readonly KernelEvent[], head: number): DecisionLog {
  let log = cache.get(events);
  if (!log) cache.set(events, (log = new DecisionLog()));
  return log.advance(events, head);
}

/** "by web (project, rules)": the authority of a row in one phrase; with no rule, the module decided ("by human"). */
export function authorityText(row: Pick<DecisionRow, 'rule' | 'scope' | 'module'>): string {
  const who = row.rule || row.module || '?';
  const where = [...new Set([row.scope, row.module])].filter((x) => x !== '' && x !== who).join(', ');
  return `by ${who}${where ? ` (${where})` : ''}`;
}
