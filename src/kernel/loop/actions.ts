/**
 * Carrying out what an agent decided (call a tool, send, receive, write, finish, read a page)
 * and what a person did (approve, deny, roll back, message, stop), each as its event.
 */
import type { Action } from '../cpu/cpu';
import type { Proc } from '../state/state';
import { answerEvent } from './humanInputs';
import { decisionRecord, notRunning } from '../trust/syscallDecision';
import { HUMAN } from '../spec';
import { countTokens } from '../tokens';
import { decideLazyFault } from '../memory/lazyFault';
import { textPart } from '../ipc/a2a';
import { factArrived } from '../ipc/retention';
import { envelopeFor, planSend, type ReplyState } from '../ipc/tasks';
import { undoFor } from '../trust/audit';
import { actionLabels } from '../trust/actionTaint';
import { joinLabels, labelOf } from '../trust/taint';
import { bindForExecutor } from '../trust/executorBinding';
import type { DecisionRecord, HumanInput } from '../trust/types';
import type { KernelEvent, KernelEventBody } from '../trace/events';
import type { RunContext } from './runContext';
import type { StateEdit } from '../trace/editEvent';
import { seekState } from '../state/seek';
import { resolveEdit } from './editState';
import { regionRefusal, withRegion } from '../region/regionFault';
import { ipcWithheld } from '../alloc/ipcPolicy';
import { spawnAgent } from './spawn';

/** A value of the action with the agent's variables bound (execute-only: by the kernel, not the planner). */
function bound(ctx: RunContext, p: Proc, value: unknown): unknown {
  return bindForExecutor(p, ctx.agents.get(p.id)?.executeOnly === true, value);
}

function labelsFor(ctx: RunContext, p: Proc, action: Extract<Action, { kind: 'call' | 'send' | 'write' }>): string[] {
  return actionLabels(p, action, ctx.cpuFor(p).provider === 'sim');
}

/** The event that carries out the agent's pending action. */
export function act(ctx: RunContext, p: Proc, action: Action): KernelEvent {
  const s = ctx.s;
  switch (action.kind) {
    case 'think':
      throw new Error('think actions never wait to be carried out');
    case 'call': {
      const taint = labelsFor(ctx, p, action);
      const args = bound(ctx, p, action.args) as Record<string, unknown>;
      return ctx.emit({ type: 'tool.called', agent: p.id, callId: `c${s.nextId}`, tool: action.tool, args, ...(taint.length > 0 ? { taint } : {}) });
    }
    case 'send': {
      const text = bound(ctx, p, action.text) as string;
      const taint = labelsFor(ctx, p, action);
      const gate = ctx.gate.checkSend(s, p, action.to, text, taint);
      if (gate.decision.effect !== 'allow') return ctx.emit({ type: 'msg.denied', agent: p.id, from: p.id, to: action.to, decision: decisionRecord(gate, taint) });
      // An object of a class the document keeps in the run may not go to another agent (alloc export policy, path ipc).
      const held = ipcWithheld(ctx.spec, p, action.uses ?? []);
      if (held !== null) return ctx.emit({ type: 'msg.denied', agent: p.id, from: p.id, to: action.to, decision: ipcDenied(ctx, action.to, held, taint) });
      const channel = ctx.channels.get(`${p.id}\u0000${action.to}`)!;
      if (action.to !== HUMAN && !s.procs[action.to] && !ctx.remoteAgents.has(action.to)) return ctx.emit({ type: 'msg.denied', agent: p.id, from: p.id, to: action.to, decision: notRunning(action.to, ctx.spec.policy.mode, taint) });
      return ctx.emit(message(ctx, p.id, action.to, channel.id, channel.latencyMs, text, action.facts, taint, action.task, p.context.map((x) => x.text)));
    }
    case 'recv': {
      const m = p.inbox.find((x) => action.from === undefined || x.from === action.from);
      if (m) return wake(ctx, p, m, action.as);
      return ctx.emit({
        type: 'agent.blocked', agent: p.id, on: action.from ? `a message from ${action.from}` : 'any message',
        ...(action.from === undefined ? {} : { from: action.from }), ...(action.as === undefined ? {} : { as: action.as }),
      });
    }
    case 'write': {
      // The labels rest with the artifact: whoever reads it later gets them back (no laundering through files).
      const taint = labelsFor(ctx, p, action);
      const refused = regionRefusal(s, ctx.spec.regions, p.id, `artifact:${action.artifact}`, 'write');
      if (refused !== null) return ctx.emit(refused);
      return ctx.emit({ type: 'artifact.written', agent: p.id, name: action.artifact, text: bound(ctx, p, action.text) as string, ...(taint.length > 0 ? { taint } : {}) });
    }
    case 'finish':
      return ctx.emit({ type: 'agent.finished', agent: p.id, text: action.text });
    case 'spawn':
      return spawnAgent(ctx, p, action);
    case 'read': {
      // A chunk of a store is memory: reading it crosses the memory.read hook like a search does.
      const store = /^store:([^#]+)#/.exec(action.ref)?.[1];
      if (store !== undefined && ctx.storeTiers.has(store)) {
        const { decision } = ctx.gate.checkRead(s, p, store);
        if (decision.effect !== 'allow') {
          const detail = `${action.ref} denied by ${decision.rule} (${decision.scope}, ${decision.module}): ${decision.reason}`;
          return ctx.emit({ type: 'mem.faulted', agent: p.id, mode: 'lazy', ref: action.ref, outcome: 'failed', text: '', tokens: 0, trust: 'trusted', valid: true, detail, ...(action.as === undefined ? {} : { as: action.as }) });
        }
      }
      const refused = regionRefusal(s, ctx.spec.regions, p.id, action.ref, 'read');
      if (refused !== null) return ctx.emit(refused);
      const fault = decideLazyFault(ctx.s, p, action.ref, action.as, (text) => countTokens(text, p.encoding));
      return ctx.emit(fault.type === 'mem.faulted' ? withRegion(s, ctx.spec.regions, fault) : fault);
    }
  }
}

/** The decision record of a message refused by an allocator class's export policy (path ipc). */
function ipcDenied(ctx: RunContext, to: string, held: { variable: string; cls: string }, taint: readonly string[]): DecisionRecord {
  return {
    hook: 'msg.send', module: 'alloc', effect: 'deny', rule: `alloc.classes.${held.cls}.export.ipc`, scope: null, mode: ctx.spec.policy.mode,
    reason: `{{${held.variable}}} holds a ${held.cls} object, and class ${held.cls} may not leave the run to another agent (${to})`, grant: null, taint: [...taint], code: 'export-policy', ask: null, answers: null,
  };
}

/** A blocked (or receiving) agent reads message `m`. */
export function wake(ctx: RunContext, p: Proc, m: Proc['inbox'][number], as: string | undefined = p.waiting?.as): KernelEvent {
  const factTokens: Record<string, number> = {};
  for (const f of m.facts) factTokens[f] = countTokens(f, p.encoding);
  return ctx.emit({
    type: 'agent.woke', agent: p.id, msgId: m.msgId, from: m.from, text: m.text, tokens: m.tokens, ...(as === undefined ? {} : { as }),
    ...(m.facts.length > 0 ? { factTokens } : {}),
  });
}

/** A message as an A2A SendMessage in its task, with the tracked facts its sender held. */
function message(ctx: RunContext, from: string, to: string, channel: string, latencyMs: number, text: string, facts: string[], taint: readonly string[], reply: ReplyState | undefined, senderWindow: readonly string[]): KernelEventBody {
  const s = ctx.s;
  const msgId = `m${s.nextId}`;
  // A channel marked untrusted is a source of its own: the message carries its label besides what it derives from.
  const labels = ctx.channels.get(`${from}\u0000${to}`)?.trust === 'untrusted' ? joinLabels(taint, [labelOf('msg', from, msgId)]) : taint;
  const { task, taskTo } = planSend(s, from, to, reply);
  const tracked = ctx.spec.facts.map((f) => f.text).filter((f) => factArrived(textPart(f), senderWindow));
  return {
    type: 'msg.sent', agent: from, msgId, from, to, channel, text, facts, tokens: countTokens(text, ctx.encodingOf(to)), deliverAt: s.now + latencyMs,
    ...(labels.length > 0 ? { taint: [...labels] } : {}), task, ...(taskTo ? { taskTo } : {}), ...(tracked.length > 0 ? { tracked } : {}),
    envelope: envelopeFor(s, msgId, from, task, text, facts),
  };
}

/** Records one human input as an event (validated by Kernel.submit). */
export function recordInput(ctx: RunContext, input: HumanInput): KernelEvent {
  switch (input.kind) {
    case 'rollback': {
      const undo = undoFor(ctx.log, input.seq);
      if (!undo.ok) throw new Error(undo.error);
      return ctx.emit({ type: 'audit.rolledback', target: input.seq, undo: undo.undo, detail: undo.detail });
    }
    case 'review':
      return ctx.emit({ type: 'change.reviewed', target: input.seq, verdict: input.verdict, ...(input.note ? { note: input.note } : {}) });
    case 'stop':
      return ctx.stop(input.ceiling ?? 'stopped', input.detail ?? 'a person stopped the run');
    case 'message': {
      // The person at the studio speaks on its own lifeline; no channel is needed to reach an agent.
      const channel = ctx.channels.get(`${HUMAN}\u0000${input.to}`);
      return ctx.emit(message(ctx, HUMAN, input.to, channel?.id ?? HUMAN, channel?.latencyMs ?? 0, input.text, input.facts ?? [], [], undefined, [input.text, ...(input.facts ?? [])]));
    }
    case 'edit':
      return recordEdit(ctx, input.edit);
    case 'kill': {
      const mode = input.mode ?? 'kill';
      return ctx.emit({ type: 'agent.killed', agent: input.agent, by: 'human', mode, origin: input.agent, depth: 0, reason: `a person ${mode === 'kill' ? 'killed' : 'cancelled'} it` });
    }
    default:
      return ctx.emit(answerEvent(ctx.s, ctx.tools, ctx.spec.policy.mode, input));
  }
}

/**
 * Records a person's state edit as `human.edited` (checked again: inputs queued before it may
 * have changed the state). The edited agent's answer computed before the edit is dropped, so
 * its turn is asked from the edited window here as in any replay of this trace.
 */
export function recordEdit(ctx: RunContext, edit: StateEdit, at?: number): KernelEvent {
  const r = resolveEdit({ s: ctx.s, log: ctx.log, stateAt: (seq) => seekState(ctx.snapshots, ctx.trace, seq), ...(at === undefined ? {} : { at }) }, edit);
  if (!r.ok) throw new Error(`cannot edit the state: ${r.error}`);
  if (r.event.agent !== undefined) ctx.inferences.delete(r.event.agent);
  return ctx.emit(r.event);
}
