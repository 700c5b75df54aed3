/**
 * How trust follows values and specs through a run: the taint labels an action carries, the
 * executor's binding of an execute-only plan, and the signature check of a prompt. Pure.
 */
import type { Action } from '../cpu/cpu';
import type { Proc } from '../state/state';
import type { EventOf } from '../trace/events';
import { bindPlaceholders } from './execOnly';
import { joinLabels, labelOf } from './taint';

/**
 * The source labels of what an action carries (CaMeL: derivation joins them). `precise` (the sim):
 * the variables it rendered and the planted instruction it followed; otherwise every label in
 * the window counts, since the model read all of it.
 */
export function actionLabels(p: Readonly<Proc>, action: Extract<Action, { kind: 'call' | 'send' | 'write' }>, precise: boolean): string[] {
  if (!precise) return joinLabels(...p.context.map((x) => x.taint ?? []));
  const segTaint = (id: string): string[] => {
    const seg = p.context.find((x) => x.id === id);
    return seg ? (seg.taint ?? (seg.trust === 'untrusted' ? [labelOf('page', seg.source)] : [])) : [];
  };
  const used = (action.uses ?? []).map((v) => (v === 'last' ? p.lastTaint : (p.taint[v] ?? [])));
  const planted = action.kind === 'call' && action.injectedFrom !== undefined ? segTaint(action.injectedFrom) : [];
  return joinLabels(...used, planted);
}

/** Execute-only agents plan with placeholders; the executor (the kernel), not the model, binds them. */
export function bindForExecutor(p: Readonly<Proc>, executeOnly: boolean, value: unknown): unknown {
  return executeOnly ? bindPlaceholders(value, { ...p.vars, last: p.last }) : value;
}

/**
 * An agent's prompt and the policy against the digests the host verified: the `trust.signature`
 * event to record, and what is wrong (null when both match).
 */
export function signatureCheck(
  agent: string,
  at: 'job.create' | 'turn',
  digests: { agents: Readonly<Record<string, string>>; policy: string },
  verified: { agents: Readonly<Record<string, string>>; policy: string | null } | undefined,
): { event: Omit<EventOf<'trust.signature'>, 'seq' | 't' | 'run' | 'cause'>; problem: string | null } {
  const found = digests.agents[agent]!;
  const expected = verified?.agents[agent] ?? null;
  const ok = expected === found && verified?.policy === digests.policy;
  const reason = ok
    ? 'the system prompt and the policy match their signatures'
    : expected === null
      ? `${agent}'s system prompt is not signed (or its signature does not verify)`
      : expected !== found
        ? `${agent}'s system prompt changed since it was signed`
        : 'the policy changed since it was signed (or is not signed)';
  return { event: { type: 'trust.signature', agent, ok, at, expected, found, reason }, problem: ok ? null : reason };
}
