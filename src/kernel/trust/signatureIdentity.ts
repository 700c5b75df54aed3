/**
 * Identity blocks (#17): core-memory blocks an agent's document marks `identity: true` are part of
 * what the agent is (its persona, its standing orders). They are covered by the agent's signature
 * (digest.ts), and at run time the `identity` policy module turns a core_memory_replace or
 * core_memory_append of one into an ask: the rewrite waits for a person, who sees the new text,
 * and the ask and the answer are events and audit rows like any other approval.
 */
import type { AgentSpec } from '../spec';
import type { ModuleAnswer, OpRequest, PolicyModule } from './types';

const CORE_EDITS: ReadonlySet<string> = new Set(['core_memory_replace', 'core_memory_append']);

/** Each agent's identity block labels (agents without any are left out). */
export function identityLabels(agents: readonly AgentSpec[]): ReadonlyMap<string, ReadonlySet<string>> {
  const out = new Map<string, ReadonlySet<string>>();
  for (const a of agents) {
    const labels = (a.memory?.coreBlocks ?? []).filter((b) => b.identity === true).map((b) => b.label);
    if (labels.length > 0) out.set(a.id, new Set(labels));
  }
  return out;
}

/**
 * The `identity` policy module (hook `tool.call`): an edit of one of the caller's identity blocks
 * asks a person to approve it; anything else is not its business (null).
 */
export function identityModule(labels: ReadonlyMap<string, ReadonlySet<string>>): PolicyModule {
  return Object.freeze({
    name: 'identity',
    hooks: Object.freeze(['tool.call'] as const),
    check(req: OpRequest): ModuleAnswer {
      if (!CORE_EDITS.has(req.tool)) return null;
      const label = req.args.label;
      if (typeof label !== 'string' || labels.get(req.agent)?.has(label) !== true) return null;
      const verb = req.tool === 'core_memory_replace' ? 'rewrite' : 'append to';
      return {
        effect: 'ask', ask: 'approve', module: 'identity', rule: `identity:${req.agent}.${label}`, scope: 'agent', code: 'identity',
        reason: `core block "${label}" is part of ${req.agent}'s signed identity: to ${verb} it needs a person's approval`,
      };
    },
  });
}
