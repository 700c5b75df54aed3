/**
 * Resource isolation in three tiers: platform stores are read-only to agents, shared stores are
 * written only through tools the document declares, and session stores give each agent a private
 * copy-on-write view (the shared base never changes; an agent's writes live in its own overlay).
 * An agent reads only the tiers its spec lists.
 */
import type { StoreDoc } from '../state/state';
import type { ModuleAnswer, OpRequest, PolicyModule, Tier } from './types';

const TIER_HOOKS = Object.freeze(['memory.read', 'memory.write', 'tool.call'] as const);

/** A read is a memory read or a tool call that reads or uses its target; tool calls that write are the capability module's. */
function isRead(req: OpRequest): boolean {
  return req.hook === 'memory.read' || (req.hook === 'tool.call' && (req.access === 'read' || req.access === 'use'));
}

/**
 * The tier module. `tierOf` gives a target's tier (undefined: the request's own `tier`), `visible`
 * the tiers an agent may read (its spec's `tiers`). Denies, under rule `tier:<tier>`, scope 'kernel':
 * a read of a tier the agent cannot see ('tier-hidden'), a memory write to platform ('read-only'),
 * a memory write to shared outside a declared tool ('shared-through-tools'). Session writes pass:
 * the kernel gives the writer a copy-on-write view. An agent's own memory is never a tier matter.
 */
export function tierModule(tierOf: (target: string) => Tier | undefined, visible: (agent: string) => readonly Tier[]): PolicyModule {
  return Object.freeze({
    name: 'tier',
    hooks: TIER_HOOKS,
    check(req: OpRequest): ModuleAnswer {
      if (req.target === req.agent) return null;
      const tier = tierOf(req.target) ?? req.tier;
      const deny = (code: string, reason: string): ModuleAnswer => ({ effect: 'deny', module: 'tier', rule: `tier:${tier}`, scope: 'kernel', code, reason });
      if (isRead(req)) {
        const sees = visible(req.agent);
        if (sees.includes(tier)) return null;
        const list = sees.length > 0 ? sees.join(', ') : 'none';
        return deny('tier-hidden', `${req.target} is in the ${tier} tier, which ${req.agent} cannot see (it sees ${list})`);
      }
      if (req.hook !== 'memory.write') return null;
      if (tier === 'platform') return deny('read-only', `platform stores are read-only to agents (${req.target})`);
      if (tier === 'shared' && !req.declared) {
        return deny('shared-through-tools', `shared stores are written only through declared tools (${req.target} by ${req.tool})`);
      }
      return null;
    },
  });
}

/** Session-tier overlays: per store, per agent, only that agent's own writes in order (never the base). */
export interface SessionViews {
  readonly [store: string]: { readonly [agent: string]: readonly StoreDoc[] };
}

/**
 * What an agent sees of a session store: the base, then its own writes. Without writes it is the
 * base itself (read-only, shared by every reader); with writes always a fresh array.
 */
export function viewOf(base: readonly StoreDoc[], own: readonly StoreDoc[] | undefined): readonly StoreDoc[] {
  return own === undefined || own.length === 0 ? base : [...base, ...own];
}

/**
 * Records `agent`'s write of `doc` to session store `store` without touching `views`, the base or
 * other agents' overlays (structural sharing). `first` is the agent's first write to that store:
 * the kernel emits `mem.cow` then. Writes append; stores are archives, nothing is replaced.
 */
export function writeSession(views: SessionViews, store: string, agent: string, doc: StoreDoc): { views: SessionViews; first: boolean } {
  const overlays = views[store] ?? {};
  const own = overlays[agent];
  return {
    views: { ...views, [store]: { ...overlays, [agent]: own ? [...own, doc] : [doc] } },
    first: own === undefined,
  };
}
