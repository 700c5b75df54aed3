/**
 * Breakpoints as a predicate over events, the one place a breakpoint is matched (the drive loop
 * calls it after each event the kernel emits). What each kind matches:
 * - `event`: the event's type; `agent`: the event's agent;
 * - `tool`: the call of that tool, once, at the event that opens it (the kernel's `callOpenedBy`);
 *   the call's decision and return are a Step away;
 * - `decision`: a permission decision of that effect (`deny`: tool.denied, msg.denied, a failed
 *   signature check; `ask`: tool.asked);
 * - `goal-true` / `goal-false`: a goal's condition (the kernel's own evaluateGoal over the state
 *   after the event) turning true or false at this event; value a goal id or `*`;
 * - `throttle`: sched.throttled of that budget group, agent or model (or `*`);
 * - `fact-evicted`: mem.evicted or mem.compacted taking a segment of kind `fact` out of that
 *   agent's window (or any, `*`): the kernel promises it never does, so this is a guard;
 * - `when`: every event (its condition alone decides).
 * A `condition` (kernel/trace/watchExpr.ts) must then hold over the event's fields. A breakpoint
 * with a `log` line is a logpoint: it prints the line and never pauses. Disabled breakpoints and
 * breakpoints whose condition or line does not parse never match.
 */
import {
  callOpenedBy, evaluateExpr, evaluateGoal, formatLog, parseExpr, parseLogFormat,
  type Expr, type ExprScope, type HarnessSpec, type KernelEvent, type KernelState, type LogFormat,
} from '../kernel';
import type { Breakpoint, LogLine } from './api';

/** What goal breakpoints need: the document's goals and the state after each event. */
export interface MatchContext {
  spec: Pick<HarnessSpec, 'goals' | 'limits'>;
  state(): Readonly<KernelState>;
}

/** What an event matched: the breakpoint that pauses the run (the first), and the lines logpoints print. */
export interface BreakpointMatch {
  pause?: Breakpoint;
  logs: LogLine[];
}

/**
 * The names a condition or a log line reads: the event's fields at the top (`agent`, `tool`,
 * `tokens`), the whole event as `event`, and for an inference the tokens it took in and gave
 * out as `tokens` when the event has no field of that name.
 */
export function eventScope(e: KernelEvent, extra: Record<string, unknown> = {}): ExprScope {
  const fields = e as unknown as Record<string, unknown>;
  const tokens = 'tokens' in fields ? fields.tokens : e.type === 'infer.completed' ? e.tokensIn + e.tokensOut : undefined;
  return { names: { ...fields, tokens, event: e, ...extra } };
}

const ANY = (v: string) => v === '' || v === '*';

function decisionOf(e: KernelEvent): 'deny' | 'ask' | null {
  switch (e.type) {
    case 'tool.denied':
    case 'msg.denied':
      return 'deny';
    case 'trust.signature':
      return e.ok ? null : 'deny';
    case 'tool.asked':
      return 'ask';
    default:
      return null;
  }
}

/** Whether the breakpoint's kind and value match the event (goal kinds: given the goals that turned at it). */
function kindMatches(b: Breakpoint, e: KernelEvent, turned: ReadonlyMap<string, boolean>): string | boolean {
  const v = b.value.trim();
  switch (b.kind) {
    case 'event':
      return e.type === v;
    case 'agent':
      return e.agent === v;
    case 'tool':
      return callOpenedBy(e)?.tool === v;
    case 'decision': {
      const d = decisionOf(e);
      return d !== null && (ANY(v) || d === v);
    }
    case 'goal-true':
    case 'goal-false': {
      const want = b.kind === 'goal-true';
      for (const [goal, now] of turned) if (now === want && (ANY(v) || goal === v)) return goal;
      return false;
    }
    case 'throttle':
      return e.type === 'sched.throttled' && (ANY(v) || e.group === v || e.agent === v || e.model === v);
    case 'fact-evicted': {
      const segs = e.type === 'mem.evicted' ? e.segments : e.type === 'mem.compacted' ? e.summarized : null;
      return segs !== null && segs.some((s) => s.kind === 'fact') && (ANY(v) || e.agent === v);
    }
    case 'when':
      return true;
  }
}

interface Compiled {
  b: Breakpoint;
  condition: Expr | null;
  log: LogFormat | null;
}

function compile(b: Breakpoint): Compiled | null {
  const cond = b.condition?.trim() ? parseExpr(b.condition) : null;
  if (cond && !cond.ok) return null;
  const log = b.log?.trim() ? parseLogFormat(b.log) : null;
  if (log && !log.ok) return null;
  if (b.kind === 'when' && !cond && !log) return null;
  return { b, condition: cond?.expr ?? null, log: log?.format ?? null };
}

/** Each goal's condition over a state: the kernel's own rule (term/goals.ts). */
function goalValues(ctx: MatchContext): Map<string, boolean> {
  const s = ctx.state();
  return new Map(ctx.spec.goals.map((g) => [g.id, evaluateGoal(g.when, s, ctx.spec.limits, g.id)]));
}

/**
 * A matcher for the enabled breakpoints. Goal breakpoints need `ctx` (the state after each event;
 * the goals' values when the matcher is made are the baseline). Returns undefined for an event
 * that matches nothing.
 */
export function matchBreakpoint(breakpoints: readonly Breakpoint[], ctx?: MatchContext): (e: KernelEvent) => BreakpointMatch | undefined {
  const enabled = breakpoints.filter((b) => b.enabled).flatMap((b) => compile(b) ?? []);
  if (enabled.length === 0) return () => undefined;
  const watchGoals = ctx !== undefined && enabled.some((c) => c.b.kind === 'goal-true' || c.b.kind === 'goal-false');
  let goals = watchGoals ? goalValues(ctx) : new Map<string, boolean>();
  return (e) => {
    const turned = new Map<string, boolean>();
    if (watchGoals) {
      const now = goalValues(ctx);
      for (const [g, v] of now) if (goals.get(g) !== v) turned.set(g, v);
      goals = now;
    }
    let out: BreakpointMatch | undefined;
    for (const c of enabled) {
      const kind = kindMatches(c.b, e, turned);
      if (kind === false) continue;
      const scope = eventScope(e, typeof kind === 'string' ? { goal: kind } : {});
      if (c.condition) {
        const r = evaluateExpr(c.condition, scope);
        if (!r.ok || !r.value) continue;
      }
      out ??= { logs: [] };
      if (c.log) out.logs.push({ seq: e.seq, breakpoint: c.b.id, text: formatLog(c.log, scope) });
      else out.pause ??= c.b;
    }
    return out;
  };
}
