/**
 * What an agent reads in its window after the kernel refuses one of its operations. A design
 * decision (issue #12, item 3): the text says what was not run, who refused it and why, that
 * nothing happened, and that the agent should carry on with its task rather than retry — so a
 * model that was talked into a call by an injection goes back to the user's task instead of
 * looping on it. It quotes the decision's reason (which may quote the call's arguments), never
 * the untrusted data the call was built from; the kernel still labels it with the call's taint.
 */
import type { DecisionRecord } from './types';

/** Who refused, in words: the policy module, a person, or the kernel. */
function refuser(d: Pick<DecisionRecord, 'module' | 'rule' | 'scope'>): string {
  if (d.module === 'human') return 'a person';
  if (d.module === 'kernel') return 'the kernel';
  const scope = d.scope === null ? '' : ` (${d.scope})`;
  return d.module === 'rules' && d.rule !== null ? `rule ${d.rule}${scope}` : `the ${d.module} policy${scope}`;
}

/** The text an agent sees when its call of `what` (a tool, or `message to X`) was denied. */
export function denialText(what: string, d: Pick<DecisionRecord, 'module' | 'rule' | 'scope' | 'reason'>): string {
  const reason = d.reason.replace(/[.\s]+$/, '');
  return `[kernel] ${what} was not run: ${refuser(d)} denied it — ${reason}. Nothing was sent or changed. ` +
    'Do not retry it: the same call would be denied again. Carry on with your task without it.';
}
