/**
 * The decision on one tool call, as the kernel's system-call choke point makes it: an unknown
 * tool or arguments that name no target are refused by the kernel itself; everything else goes
 * through the whole policy stack (gate.ts). Shared by the run loop (loop/syscalls.ts) and explainAccess, so what
 * the Policy view explains is what the run decides. Pure.
 */
import type { KernelState } from '../state/state';
import { DURABLE_TOOL, PROC_TOOL, type ToolSpec } from '../spec';
import { durableDecision } from './durable';
import { procReadOf } from './procAccess';
import { argSchemaProblem } from './argSchema';
import type { ToolClass } from '../tools/toolClass';
import type { GateResult, SyscallInput, TrustGate } from './gate';
import type { DecisionRecord, Mode } from './types';

/**
 * Decides `call` by `agent` in `state` (`cls`: the tool's class, undefined for no such tool): the
 * kernel's own refusals first, then the gate. `argSchema: false` skips the argument-schema check,
 * for explaining a bare capability (a call with no arguments yet), never for a call a run makes.
 */
export function decideSyscall(gate: TrustGate, state: Readonly<KernelState>, agent: string, call: SyscallInput, spec: ToolSpec | undefined, cls: Pick<ToolClass, 'target'> | undefined, mode: Mode, opts: { argSchema?: boolean } = {}): GateResult {
  const refuse = (rule: string, reason: string): GateResult => ({ decision: { effect: 'deny', module: 'kernel', rule, scope: 'kernel', mode, reason }, hook: 'tool.call' });
  if (!cls) return refuse('unknown-tool', `there is no tool "${call.tool}"`);
  // The API membrane: arguments that do not match the tool's schema never reach a permission module.
  const invalid = opts.argSchema === false ? null : argSchemaProblem(call.tool, spec, call.args);
  if (invalid !== null) return { decision: { effect: 'deny', module: 'kernel', rule: 'arg-schema', scope: 'kernel', mode, reason: invalid, code: 'schema' }, hook: 'tool.call' };
  const target = cls.target(spec, { agent, tool: call.tool, args: call.args, newId: '' });
  if ('error' in target) return refuse('bad-arguments', target.error);
  if (!spec && call.tool === PROC_TOOL) {
    // /proc: one's own state is always readable (Linux's /proc/self); another's must be running, then the stack decides.
    const of = procReadOf(agent, call.args);
    if (of === agent) return { decision: { effect: 'allow', module: 'kernel', rule: 'proc-self', scope: 'kernel', mode, reason: `${agent} reads its own /proc` }, hook: 'tool.call' };
    if (!Object.hasOwn(state.procs, of)) return refuse('no-agent', `there is no running agent "${of}" whose /proc to read`);
  }
  if (!spec && call.tool === DURABLE_TOOL) {
    // Durable authority is never granted by a rule or a mode: the kernel asks a person, every time.
    return { decision: durableDecision(Object.values(state.handles), agent, target.target, state.now, mode), hook: 'tool.call' };
  }
  return gate.checkCall(state, { id: agent }, call, spec, target);
}

/** A gate result as the record a trust event carries (`taint`: the labels the operation carried). */
export function decisionRecord(result: GateResult, taint: readonly string[]): DecisionRecord {
  const d = result.decision;
  return {
    hook: result.hook, module: d.module, effect: d.effect, rule: d.rule, scope: d.scope, mode: d.mode, reason: d.reason,
    grant: result.grant ?? null, taint: [...taint], code: d.code ?? null, ask: d.effect === 'ask' ? (d.ask ?? 'approve') : null, answers: null,
  };
}

/** A message to an agent that is not running: the kernel refuses it, no rule involved. */
export function notRunning(to: string, mode: Mode, taint: readonly string[]): DecisionRecord {
  return { hook: 'msg.send', module: 'kernel', effect: 'deny', rule: null, scope: null, mode, reason: `${to} is not running`, grant: null, taint: [...taint], code: 'not-running', ask: null, answers: null };
}
