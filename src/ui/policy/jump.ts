/**
 * Where on the Policy view a trust decision points. The engine names the deciding rule in
 * `Decision.rule`: a document rule's id, or a pseudo-rule of a kernel module. Pseudo-rules
 * about what an agent holds (its capability, handle, tier, channel, execute-only, own memory)
 * point at the capability edge agent → tool (agent → recipient for a channel); those about the
 * policy as a whole (the mode, the taint defence, signatures) point at the view's header;
 * everything else is a rule id.
 */
import type { PolicyTarget } from '../../store/canvasViewSlice';

export type JumpTarget = PolicyTarget;

/** Pseudo-rules of the capability, tier and execute-only modules, by prefix (`handle:h1`) or whole name. */
const CAPABILITY_PREFIXES: readonly string[] = ['capability:', 'handle:', 'tier:', 'lease:', 'channel:'];
const CAPABILITY_RULES: ReadonlySet<string> = new Set(['capability', 'execute-only', 'own-memory', 'handle', 'tier']);
/** Pseudo-rules of the policy itself: the mode in force, the taint defence, signature checks. */
const MODE_PREFIXES: readonly string[] = ['mode:'];
const MODE_RULES: ReadonlySet<string> = new Set(['mode', 'taint', 'signature', '']);

/** `capability:a->t` (or `channel:a->b`, a send with no channel) → `{ agent: 'a', target: 't' }`, else null. */
function parseCapabilityRule(rule: string): { agent: string; target: string } | null {
  const m = /^(?:capability|channel):(.+?)->(.+)$/.exec(rule);
  return m ? { agent: m[1]!, target: m[2]! } : null;
}

/**
 * The Policy view target of a decision made by `rule` when `agent` called `tool`. Reserved
 * names (`taint`, `execute-only`, `own-memory`…) always read as the kernel's pseudo-rules.
 */
export function jumpTargetFor(rule: string, agent: string, tool: string): JumpTarget {
  if (MODE_RULES.has(rule) || MODE_PREFIXES.some((p) => rule.startsWith(p))) return { kind: 'mode' };
  const named = parseCapabilityRule(rule);
  if (named) return { kind: 'capability', ...named };
  if (CAPABILITY_RULES.has(rule) || CAPABILITY_PREFIXES.some((p) => rule.startsWith(p))) return { kind: 'capability', agent, target: tool };
  return { kind: 'rule', id: rule };
}
