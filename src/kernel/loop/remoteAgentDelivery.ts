/**
 * A message arriving at its receiver: a local agent's inbox (`msg.delivered`), or a remote agent
 * through the host's A2A client (`remote.replied`, the answer recorded: ipc/remoteAgent.ts).
 */
import type { Message } from '../state/state';
import { countTokens } from '../tokens';
import { noA2aClient, type A2aSendResult } from '../ipc/remoteAgent';
import { A2aNotRecordedError } from '../ipc/remoteAgentRecorded';
import { labelOf } from '../trust/taint';
import type { RunContext, Step } from './runContext';

/** Delivers message `m` at time `t`: to a local inbox at once, to a remote agent once the host has its answer. */
export function deliver(ctx: RunContext, m: Message, t: number): Step {
  const remote = ctx.remoteAgents.get(m.to);
  if (!remote) return ctx.emit({ type: 'msg.delivered', agent: m.to, msgId: m.msgId, from: m.from, to: m.to }, t, m.sentSeq);
  const task = m.task ? ctx.s.tasks[m.task] : undefined;
  const answered = (r: A2aSendResult) => {
    const replyId = `m${ctx.s.nextId}`;
    // An untrusted remote's answer is a source of its own, like an untrusted tool's result.
    const taint = remote.trust === 'untrusted' ? [labelOf('msg', remote.id, replyId)] : [];
    return ctx.emit({
      type: 'remote.replied', agent: m.from, msgId: m.msgId, replyId, remote: remote.id, ok: r.ok, state: r.state, text: r.text,
      tokens: countTokens(r.text, ctx.encodingOf(m.from)), ...(m.task ? { task: m.task } : {}), ...(r.taskId ? { taskId: r.taskId } : {}),
      ...(r.contextId ? { contextId: r.contextId } : {}), ...(taint.length > 0 ? { taint } : {}),
    }, t, m.sentSeq);
  };
  if (!ctx.a2a) return answered(noA2aClient(remote));
  const req = { remote, agent: m.from, msgId: m.msgId, text: m.text, facts: m.facts, ...(task?.remote?.taskId ? { taskId: task.remote.taskId } : {}), ...(task?.remote?.contextId ? { contextId: task.remote.contextId } : {}) };
  return ctx.a2a.send(req).then(answered, (err: unknown) => {
    // A replay that would need the network stops plainly; a live failure is an answer the run goes on with.
    if (err instanceof A2aNotRecordedError) throw err;
    return answered({ ok: false, state: 'TASK_STATE_FAILED', text: `remote agent "${remote.id}" could not be reached: ${err instanceof Error ? err.message : String(err)}` });
  });
}
