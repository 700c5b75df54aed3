/**
 * What a person does to a run — approve or deny an ask, roll back an operation, message an
 * agent, edit its state (loop/editState.ts), stop — checked against the state when it is submitted, and turned into the event
 * the kernel records. Pure: the kernel queues inputs and emits what these return.
 */
import type { KernelState } from '../state/state';
import type { ToolSpec } from '../spec';
import { toolClassFor } from '../tools/toolClass';
import { undoFor } from '../trust/audit';
import { reviewProblem } from '../provenance/review';
import { mainArg } from '../trust/matcher';
import type { DecisionRecord, HumanInput, Mode } from '../trust/types';
import type { KernelEvent, KernelEventBody } from '../trace/events';
import { resolveEdit } from './editState';

/**
 * Why the input cannot be taken now, or null. `queued`: inputs submitted, not yet recorded;
 * `stateAt`: the state right after an earlier event (an edit of a tool result reads it).
 */
export function inputProblem(s: Readonly<KernelState>, log: readonly KernelEvent[], queued: readonly HumanInput[], input: HumanInput, stateAt: (seq: number) => Readonly<KernelState>): string | null {
  if (s.stopped) return 'the run has stopped';
  switch (input.kind) {
    case 'approve':
    case 'deny': {
      const p = Object.values(s.procs).find((x) => x.call?.callId === input.callId);
      if (!p?.call?.asked) return `call ${input.callId} is not waiting for a human`;
      if (queued.some((x) => 'callId' in x && x.callId === input.callId)) return `call ${input.callId} is already answered`;
      return null;
    }
    case 'stop':
      return null;
    case 'rollback': {
      const undo = undoFor(log, input.seq);
      return undo.ok ? null : undo.error;
    }
    case 'review':
      return reviewProblem(log, input.seq);
    case 'message': {
      const to = s.procs[input.to];
      if (!to) return `there is no running agent "${input.to}"`;
      if (to.state === 'done' || to.state === 'failed') return `${input.to} has ${to.state === 'done' ? 'finished' : 'failed'}`;
      return input.text.trim() === '' ? 'the message is empty' : null;
    }
    case 'edit': {
      const r = resolveEdit({ s, log, stateAt }, input.edit);
      return r.ok ? null : r.error;
    }
    case 'kill': {
      const p = s.procs[input.agent];
      if (!p) return `there is no running agent "${input.agent}"`;
      if (p.state === 'done' || p.state === 'failed') return `${input.agent} has already ${p.state === 'done' ? 'finished' : 'ended'}`;
      if (input.mode !== undefined && input.mode !== 'kill' && input.mode !== 'cancel') return `kill mode must be "kill" or "cancel", not "${String(input.mode)}"`;
      return queued.some((x) => x.kind === 'kill' && x.agent === input.agent) ? `${input.agent} is already being killed` : null;
    }
    default:
      return `unknown input kind "${String((input as { kind?: unknown }).kind)}"`;
  }
}

/**
 * A person's answer to an ask, as its event. Approving runs the call (remembering adds a
 * session rule for its tool and main argument, glob characters escaped); approving a
 * declassify ask vouches for the labels and the stack decides again; a denial is by a human.
 */
export function answerEvent(s: Readonly<KernelState>, tools: ReadonlyMap<string, ToolSpec>, mode: Mode, input: Extract<HumanInput, { kind: 'approve' | 'deny' }>): KernelEventBody {
  const p = Object.values(s.procs).find((x) => x.call?.callId === input.callId)!;
  const call = p.call!;
  const asked = call.asked!;
  const declassify = asked.decision.ask === 'declassify';
  // The answer is decided where the ask was, by a human, about the values the ask carried.
  const human = { hook: asked.decision.hook, module: 'human', mode, grant: null, taint: [...asked.decision.taint], code: null, ask: asked.decision.ask, answers: asked.seq };
  if (input.kind === 'deny') {
    const decision: DecisionRecord = { ...human, effect: 'deny', rule: null, scope: null, reason: input.reason ?? 'a human denied it' };
    return { type: 'tool.denied', agent: p.id, callId: call.callId, tool: call.tool, decision };
  }
  const remember = input.remember && !declassify;
  const spec = tools.get(call.tool);
  const arg = mainArg(call.args, spec?.mainArg);
  const match = remember ? (arg === null ? call.tool : `${call.tool}(${arg.replace(/[\\*?]/g, (c: string) => `\\${c}`)})`) : null;
  const until = declassify ? 0 : s.now + (toolClassFor(spec, call.tool)?.latency(spec) ?? 0);
  const what = declassify ? 'declassified' : 'approved';
  const rule = remember ? `session-${s.sessionRules.length + 1}` : null;
  const reason = match !== null ? `a human ${what} and remembered ${match}` : `a human ${what} this call`;
  const decision: DecisionRecord = { ...human, effect: 'allow', rule, scope: rule === null ? null : 'session', reason };
  return { type: 'tool.approved', agent: p.id, callId: call.callId, tool: call.tool, remember, match, until, decision };
}
