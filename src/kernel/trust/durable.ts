/**
 * Scoped versus durable authority at run time: an agent's job-scoped handle ends with its job; it
 * may turn into a durable one only through the built-in call `cap_durable` (spec DURABLE_TOOL),
 * which the kernel always asks a person about (no rule or mode can allow it alone), and which,
 * approved, yields a durable handle with a refcount: its holders. A sub-agent spawned with a
 * capability narrowed from it is one more holder, so a detached background job keeps working
 * after its spawner ends; each holder that ends lets go of it (`cap.released`), and at zero
 * holders it ends. The ask, the approval and the promotion are each an event and an audit row.
 */
import type { Handle, Decision, Mode } from './types';
import { isLive } from './handles';

/** The live job-scoped handle of `agent` on `target` that a promotion would turn durable, or null. */
export function promotable(handles: readonly Handle[], agent: string, target: string, now: number): Handle | null {
  return handles.find((h) => h.agent === agent && h.target === target && h.lease === 'job' && h.from === undefined && h.lentTo === undefined && isLive(h, now)) ?? null;
}

/** The kernel's decision on a `cap_durable` call: refused without a promotable handle, else always asked of a person. */
export function durableDecision(handles: readonly Handle[], agent: string, target: string, now: number, mode: Mode): Decision {
  const h = promotable(handles, agent, target, now);
  if (h === null) {
    return { effect: 'deny', module: 'kernel', rule: 'durable-grant', scope: 'kernel', mode, code: 'no-handle', reason: `${agent} holds no live job-scoped handle of its own on ${target} to make durable` };
  }
  return { effect: 'ask', module: 'kernel', rule: 'durable-grant', scope: 'kernel', mode, ask: 'approve', reason: `${agent} asks to make its job-scoped ${h.kind} handle ${h.id} on ${target} durable (it would outlive the job): only a person may approve` };
}

/** The durable handle an approved promotion yields: the same grant, lease durable, one holder (the asker). */
export function promotedHandle(from: Handle, id: string, now: number): Handle {
  return { id, agent: from.agent, target: from.target, kind: from.kind, access: from.access, lease: 'durable', issuedAt: now, expiresAt: null, ended: null, refs: [from.agent] };
}
