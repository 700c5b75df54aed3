/**
 * The signature check of a signed spec (policy.requireSigned): an agent's prompt and the policy
 * against the digests the host verified. Pure; the crypto runs outside the kernel.
 */
import type { EventOf } from '../trace/events';
import type { DecisionRecord, Mode } from './types';
import { untrustedSignerReason } from './signatureTrust';

/**
 * What the host verified: the digests whose signatures checked out and, when the document's signer
 * is not in the host's trust store, that signer's thumbprint (its digests are then left out).
 */
export type VerifiedDigests = { agents: Readonly<Record<string, string>>; policy: string | null; untrustedSigner?: string };

/**
 * An agent's prompt and the policy against the digests the host verified: the `trust.signature`
 * event to record, and what is wrong (null when both match).
 */
export function signatureCheck(
  agent: string,
  at: 'job.create' | 'turn',
  digests: { agents: Readonly<Record<string, string>>; policy: string },
  verified: VerifiedDigests | undefined,
  mode: Mode,
): { event: Omit<EventOf<'trust.signature'>, 'seq' | 't' | 'run' | 'cause'>; problem: string | null } {
  const found = digests.agents[agent]!;
  const expected = verified?.agents[agent] ?? null;
  const ok = expected === found && verified?.policy === digests.policy;
  const reason = ok
    ? 'the system prompt and the policy match their signatures'
    : verified?.untrustedSigner !== undefined
      ? untrustedSignerReason(verified.untrustedSigner)
      : expected === null
      ? `${agent}'s system prompt is not signed (or its signature does not verify)`
      : expected !== found
        ? `${agent}'s system prompt changed since it was signed`
        : 'the policy changed since it was signed (or is not signed)';
  const decision: DecisionRecord = {
    hook: at, module: 'signature', effect: ok ? 'allow' : 'deny', rule: 'signature', scope: 'kernel', mode, reason,
    grant: null, taint: [], code: ok ? null : 'signature', ask: null, answers: null,
  };
  return { event: { type: 'trust.signature', agent, ok, at, expected, found, decision }, problem: ok ? null : reason };
}
