/**
 * Pure text formatting for the run panel: one-line event summaries, virtual time, tokens,
 * money. Everything returns plain strings that React renders as text, never as HTML.
 */
import type { Action, KernelEvent, StopReason } from '../../kernel';

/** Longest summary shown in a log row; the detail pane has the full event. */
export const SUMMARY_MAX = 160;

/** Cuts `text` to `max` characters on one line, marking the cut with an ellipsis. */
export function clip(text: string, max = SUMMARY_MAX): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, Math.max(0, max - 1))}…`;
}

/** JSON on one line that never throws (cycles and BigInts read as `?`). */
export function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '?';
  }
}

/**
 * How a stopped run's badge is toned: `ok` when it met every goal (`completed`, the CLI's exit
 * 0), `neutral` when a person stopped it, `failed` for every other stop (limits, deadlock, …).
 */
export function stopTone(reason: StopReason | undefined): 'ok' | 'neutral' | 'failed' {
  return reason === 'completed' ? 'ok' : reason === 'stopped' || reason === undefined ? 'neutral' : 'failed';
}

/** Virtual milliseconds as seconds with millisecond precision: `12.345s`. */
export function formatVt(ms: number): string {
  return `${(ms / 1000).toFixed(3)}s`;
}

/** Token counts: 950, 12.3k, 4.56M. */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 2 : 1)}k`;
  return `${(n / 1_000_000).toFixed(2)}M`;
}

/** Dollars, with enough digits that small sim costs do not read as zero. */
export function formatCost(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toFixed(5)}`;
  return `$${usd.toFixed(usd < 1 ? 4 : 2)}`;
}

function quote(text: string, max = 80): string {
  return json(clip(text, max));
}

function actionSummary(a: Action): string {
  switch (a.kind) {
    case 'think':
      return 'think';
    case 'call':
      return `call ${a.tool} ${json(a.args)}`;
    case 'send':
      return `send → ${a.to}`;
    case 'recv':
      return a.from === undefined ? 'recv' : `recv ← ${a.from}`;
    case 'write':
      return `write ${a.artifact}`;
    case 'read':
      return `read ${a.ref}`;
    case 'finish':
      return 'finish';
    case 'spawn':
      return `spawn ${a.template}`;
  }
}

/** `TASK_STATE_INPUT_REQUIRED` → `input-required`. */
function taskState(s: string): string {
  return s.replace(/^TASK_STATE_/, '').toLowerCase().replace(/_/g, '-');
}

function taintText(taint: readonly string[] | undefined): string {
  return taint && taint.length > 0 ? ` · tainted by ${taint.join(', ')}` : '';
}

/** Who a throttle holds: a budget group, a class on a model, or a model's endpoint (a 429, its rpm / tpm). */
function throttledWhat(e: Extract<KernelEvent, { type: 'sched.throttled' }>): string {
  if (e.group) return `group ${e.group}`;
  return e.class === undefined ? `endpoint of ${e.model}` : `${e.class} on ${e.model}`;
}

/** What happened, in one line, after the type: e.g. `web_search {"query":"paging"}`. */
export function summarize(e: KernelEvent): string {
  return clip(summaryOf(e));
}

function summaryOf(e: KernelEvent): string {
  switch (e.type) {
    case 'run.started':
      return `${e.harness} · seed ${e.seed} · agents ${e.agents.join(', ')}`;
    case 'run.forked':
      return `from ${e.parent.run} @ ${e.parent.seq}${e.edited ? ' · edited document' : ''}`;
    case 'job.published':
      return `pid ${e.pid} on ${e.model} · window ${formatTokens(e.window)} · tools ${e.tools.join(', ') || '—'}`;
    case 'job.failed':
      return `${e.stage}: ${e.reason}`;
    case 'sched.admitted':
      return `${e.class} on ${e.model} · bandwidth ${e.utilization.toFixed(2)} ≤ ${e.bound.toFixed(2)} slots`;
    case 'sched.refused':
      return `${e.class} on ${e.model} · ${e.reason}`;
    case 'sched.routed':
      return `${e.from} → ${e.model}${e.need > 0 ? ` (needs q${e.need})` : ''} · ${e.reason}`;
    case 'sched.enqueued':
      return `${e.class} on ${e.model} · ${e.why} · queue ${e.queue}${statsText(e.stats)}`;
    case 'sched.picked':
      return `${e.class} → ${e.model}[${e.slot}] waited ${e.waitedMs}ms · slice ${Number.isFinite(e.slice) ? `${e.slice} tok` : '∞'}${statsText(e.stats)}${e.affinity ? ` · affinity: ${e.affinity.candidates.map((c) => `${c.agent} ${c.warmTokens} warm`).join(', ')} → ${e.affinity.chosen}` : ''}`;
    case 'sched.preempted':
      return `${e.reason}${e.by ? ` by ${e.by} (${e.byClass})` : ''} · ${e.done}/${e.remaining === null ? '?' : e.done + e.remaining} tok done${e.partial ? ` · stream aborted, partial of ${e.partial.tokensOut} tok kept` : ''}${statsText(e.stats)}`;
    case 'sched.throttled':
      return `${throttledWhat(e)} · ${e.reason} · until ${e.until < 0 ? 'the end' : formatVt(e.until)}${e.class === undefined && e.group === undefined ? statsText(e.numbers) : ''}`;
    case 'sched.replenished':
      return e.group ? `group ${e.group}` : e.class === undefined ? `endpoint of ${e.model}${statsText(e.numbers)}` : `${e.class} on ${e.model}`;
    case 'infer.started':
      return `turn ${e.turn} on ${e.model}[${e.slot}] · ${startedText(e)} · slice ${e.slice} tok`;
    case 'infer.sliced':
      return `turn ${e.turn} · ${e.done}/${e.remaining === null ? '?' : e.done + e.remaining} tok${statsText(e.stats)}`;
    case 'infer.failed':
      return `turn ${e.turn} attempt ${e.attempt + 1} on ${e.model} · ${e.failure.kind}${e.failure.status === null ? '' : ` (${e.failure.status})`} · ${e.retry ? `retry at ${formatVt(e.retry.until)} (in ${e.retry.delayMs}ms)` : `no retry: ${e.reason}`} · ${quote(e.failure.message)}${e.kvUndone ? ` · cache lookup taken back (−${e.kvUndone.removedTokens} tok inserted, +${e.kvUndone.restoredTokens} tok restored)` : ''}`;
    case 'infer.completed':
      return `turn ${e.turn} → ${actionSummary(e.action)} · ${e.tokensIn}/${e.tokensOut} tok · ${formatCost(e.cost)}${e.text ? ` · ${quote(e.text)}` : ''}`;
    case 'tool.called':
      return `${e.tool} ${json(e.args)}`;
    case 'tool.allowed':
      return `${e.tool} by ${e.decision.rule ?? e.decision.module} (${e.decision.scope ?? e.decision.module}, ${e.decision.mode})${e.decision.grant ? ` · grant ${e.decision.grant}` : ''}${taintText(e.decision.taint)}`;
    case 'tool.denied':
      return `${e.tool} by ${e.decision.module === 'human' ? 'a human' : (e.decision.rule ?? e.decision.module)} (${e.decision.scope ?? e.decision.hook}, ${e.decision.module}): ${e.decision.reason}${taintText(e.decision.taint)}`;
    case 'tool.asked':
      return `${e.tool} · ${e.decision.ask === 'declassify' ? 'declassify?' : 'approve?'} by ${e.decision.rule ?? e.decision.module} (${e.decision.scope ?? e.decision.hook}, ${e.decision.module}): ${e.decision.reason}${taintText(e.decision.taint)}`;
    case 'tool.approved':
      return `${e.tool} (${e.callId})${e.remember && e.match ? ` · remembered as session rule ${e.match}` : ''}`;
    case 'tool.returned':
      return `${e.tool} ${e.ok ? 'ok' : 'failed'} · ${e.tokens} tok · ${e.ms}ms · ${quote(e.result)}`;
    case 'proc.read': {
      const left = e.snapshot.budget.tokensLeft;
      return `${e.of === e.agent ? 'own /proc' : `/proc of ${e.of}`} · ${left === null ? 'no token limit' : `${left} tokens left`} · window ${e.snapshot.window.used}/${e.snapshot.window.limit}`;
    }
    case 'msg.sent':
      return `${e.from} → ${e.to} via ${e.channel} · ${quote(e.text)}`;
    case 'task.updated':
      return `${e.task} ${e.client} → ${e.server}: ${e.from === null ? 'created' : taskState(e.from)} → ${taskState(e.to)} · ${e.reason}`;
    case 'msg.retained':
      return `${e.from} → ${e.to}: ${e.arrived.length}/${e.tracked.length} facts intact${e.lost.length > 0 ? ` · lost ${e.lost.map(quote).join(', ')}` : ''}`;
    case 'msg.denied':
      return `${e.from} → ${e.to}: ${e.decision.reason}${e.decision.rule ? ` (by ${e.decision.rule})` : ''}`;
    case 'msg.delivered':
      return `${e.from} → ${e.to} (${e.msgId})`;
    case 'remote.replied':
      return `${e.remote} → ${e.agent} · ${taskState(e.state)}${e.ok ? '' : ' · failed'} · ${quote(e.text)}${taintText(e.taint)}`;
    case 'turn.chosen':
      return `${e.group} turn ${e.turn} → ${e.agent} · ${e.policy} · ${e.why}`;
    case 'cutoff.decided':
      return `${e.outcome} before turn ${e.turn + 1} · ${e.why}`;
    case 'spawn.refused':
      return `${e.template} refused at ${e.stage} (${e.code}): ${e.reason}`;
    case 'agent.spawned':
      return `${e.child} (pid ${e.pid}) · task ${e.task} · ${e.sched.granted} under ${e.sched.parent}${e.budget.tokens === null ? '' : ` · carved ${e.budget.tokens} tok from ${e.budget.from} (${e.budget.before?.tokens ?? '∞'} → ${e.budget.after?.tokens ?? '∞'} left)`} · ${e.window.shared} segments shared (${e.window.sharedTokens} tok) · ${e.caps.granted.length} caps narrowed${e.detach ? ' · detached' : ''}`;
    case 'spawn.exited':
      return `${e.agent} → ${e.parent} · ${e.outcome}${e.code === undefined ? '' : ` (${e.code})`} · used ${e.used.tokens} tok${e.returned?.tokens == null ? '' : ` · ${e.returned.tokens} tok returned`} · ${quote(e.text)}`;
    case 'agent.killed':
      return `${e.mode} by ${e.by}${e.depth > 0 ? ` (depth ${e.depth} from ${e.origin})` : ''} · ${e.reason}`;
    case 'cap.promoted':
      return `${e.from} → durable ${e.handle.id} on ${e.handle.target} · approved at #${e.approval} · refs ${e.handle.refs?.length ?? 0}`;
    case 'cap.released':
      return `${e.handle} on ${e.target} · ${e.refs} refs left · ${e.reason}`;
    case 'agent.blocked':
      return `on ${e.on}${e.from === undefined ? '' : ` from ${e.from}`}`;
    case 'agent.woke':
      return `by ${e.from} · ${quote(e.text)}`;
    case 'artifact.written':
      return `${e.name} · ${quote(e.text)}`;
    case 'agent.finished':
      return quote(e.text);
    case 'mem.pressure':
      return `${e.level} · ${formatTokens(e.tokens)} / ${formatTokens(e.window)} tok (${Math.round(e.share * 100)}%)`;
    case 'kv.matched':
      return `${e.model} · ${e.cachedTokens}/${e.promptTokens} prompt tok cached (${e.hitBlocks}/${e.blocks} blocks) · +${e.insertedTokens} cached · ${e.used}/${e.capacity} · hit rate ${(e.rate * 100).toFixed(0)}%`;
    case 'kv.evicted':
      return `${e.model} · ${e.blocks.length} blocks, ${e.tokens} tok (of ${[...new Set(e.blocks.map((b) => b.owner))].join(', ')}) for ${e.need} tok · ${e.used}/${e.capacity}`;
    case 'kv.reported':
      return `${e.model} · provider: ${e.cachedTokens}/${e.promptTokens} prompt tok cached (modelled ${e.modelled.cachedTokens}/${e.modelled.promptTokens})${e.writtenTokens === undefined ? '' : ` · ${e.writtenTokens} tok written (modelled ${e.modelledInserted ?? 0})`} · hit rate ${(e.rate * 100).toFixed(0)}%`;
    case 'mem.rotted':
      return `${e.curve} rot at ${e.windowTokens} tok: p ${e.p.toFixed(3)} > draw ${e.draw.toFixed(3)} · ${e.action} took ${e.from}'s text`;
    case 'mem.evicted':
      return `${e.policy} · ${e.segments.map((x) => `${x.id} ${x.kind}`).join(', ')} · freed ${e.freed} tok`;
    case 'mem.compacted':
      return `${e.summarized.length} segments → ${e.summary.id} · freed ${e.freed} tok · ${e.keptFacts} facts kept`;
    case 'mem.faulted':
      return `${e.mode} ${e.ref} → ${e.outcome}${e.region ? ` · region ${e.region.id} gen ${e.region.generation}${e.region.dropped ? ` (lock dropped: ${e.region.dropped.invalidated} handles stale)` : ''}${e.region.handle ? ` · handle ${e.region.handle}` : ''}` : ''} · ${e.detail}`;
    case 'region.denied':
      return `${e.access} ${e.ref}${e.tool === undefined ? '' : ` by ${e.tool}`} refused · ${e.agent} holds "${e.permission}" on ${e.region}`;
    case 'region.stale':
      return `handle ${e.handle} refused · generation ${e.handleGeneration} vs ${e.generation} · re-acquire ${e.ref}`;
    case 'mem.validity':
      return `${e.segment} ${e.check} → ${e.verdict} · validity ${e.before.toFixed(2)} → ${e.validity.toFixed(2)}${e.evicted ? ' · evicted' : ''} · ${e.reason}`;
    case 'cap.granted':
      return e.handles.map((h) => `${h.id} ${h.kind} ${h.access} ${h.target} (${h.lease}${h.expiresAt === null ? '' : ` until ${formatVt(h.expiresAt)}`})`).join(', ') || 'no handles';
    case 'cap.expired':
      return `${e.handle} on ${e.target} · ${e.reason}`;
    case 'mem.cow':
      return `private copy of ${e.store} (${e.base} shared chunks, shared tier unchanged)`;
    case 'trust.signature':
      return `${e.ok ? 'valid' : 'INVALID'} at ${e.at} · ${e.decision.reason}`;
    case 'audit.rolledback':
      return `#${e.target} · ${e.detail}`;
    case 'change.reviewed':
      return `#${e.target} ${e.verdict} by a person${e.note ? ` · ${e.note}` : ''}`;
    case 'human.edited':
      return `${e.edit.kind} · ${e.target}`;
    case 'goal.met':
      return `${e.goal} (${e.name})`;
    case 'goal.judged':
      return `${e.goal} · ${e.subject} v${e.version} · ${e.verdict === 'fallback' ? 'offline fallback (not a model)' : e.verdict} by ${e.model}${e.reason ? ` · ${e.reason}` : ''}`;
    case 'sched.missed':
      return `${e.class} on ${e.model} · turn ${e.turn} done at ${e.completedAt}ms, ${e.lateMs}ms after its deadline ${e.deadline}ms`;
    case 'run.stopped':
      return `${e.reason}${e.detail ? ` · ${e.detail}` : ''}`;
  }
}

/** A few scheduler numbers, e.g. ` · vruntime 1024 · lag -3`. */
/** A slice's start: the prefill, a resume on the same turn, or a real model's part after a preemption (by prefix or restarted). */
function startedText(e: Extract<KernelEvent, { type: 'infer.started' }>): string {
  if (e.resumedBy === 'prefix') return `part ${e.part ?? 0} continues the partial answer (${e.prefixTokens ?? 0} tok prefix) · ${e.tokensIn} tok re-read`;
  if (e.resumedBy === 'restart') return `part ${e.part ?? 0} restarts the answer · ${e.tokensIn} tok re-read`;
  return e.done > 0 ? `resume at ${e.done}/${e.total ?? '?'}` : `${e.tokensIn} tok in`;
}

function statsText(stats: Readonly<Record<string, number>>): string {
  const parts = Object.entries(stats).slice(0, 3).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(2)}`);
  return parts.length ? ` · ${parts.join(' · ')}` : '';
}

/** The event's full JSON, indented, for the detail pane. */
export function eventJson(e: KernelEvent): string {
  try {
    return JSON.stringify(e, null, 2);
  } catch {
    return json(e);
  }
}

/** Which category colours a row: the part of the type before the dot (`tool`, `sched`, …). */
export function eventFamily(type: string): string {
  return type.slice(0, type.indexOf('.'));
}
