/**
 * Which operations are taint sinks: those whose effect leaves the calling agent's session. The
 * classification follows what the document already declares about a tool or store — its side
 * effect, its tier, whether its results come from an untrusted (remote) source — so no tool has
 * to be marked "privileged" for a tainted value to be stopped at it. Pure.
 */
import type { ToolSpec } from '../spec';
import type { SideEffect, Tier } from './types';

/** The built-in calls that rewrite the agent's core memory blocks (its identity, pinned in every turn). */
const CORE_EDITS: ReadonlySet<string> = new Set(['core_memory_append', 'core_memory_replace']);

/** What the classification reads of a call. */
export interface SinkInput {
  tool: string;
  /** The declared tool, or undefined for a built-in. */
  spec: ToolSpec | undefined;
  sideEffect: SideEffect;
  /** The store the call writes to (an archival insert), or null. */
  writesStore: string | null;
  /** A store's or tool's tier. */
  tierOf(id: string): Tier;
  /** The trust of the tool's results when it is not the tool's own (an MCP tool: its server's). */
  trust?: 'trusted' | 'untrusted';
}

/**
 * Why a call is a sink that leaves the agent's session, as the tail of a sentence that starts
 * with the tool's name (`send_mail is a privileged sink`), or null when its effect stays inside
 * the session (a read of local data, a write to the session tier, a pure computation):
 *
 * - `privileged`: declared so (mail, spend, policy);
 * - `external`: a side effect on the world outside the machine (an HTTP post, a payment);
 * - core memory edits: the agent's identity, read by every later turn;
 * - a write that persists outside the session tier (a shared or platform store, a tool of the
 *   shared tier: a file in a public folder);
 * - a read from an untrusted remote source (a declared tool whose results are untrusted and
 *   that no store backs: a web fetch): its arguments — URL, query — leave the machine.
 */
export function sinkOf(c: SinkInput): string | null {
  if (c.sideEffect === 'privileged') return 'is a privileged sink';
  if (c.sideEffect === 'external') return 'has an external side effect (it leaves the machine)';
  if (c.spec === undefined && CORE_EDITS.has(c.tool)) return "rewrites the agent's core memory (its identity)";
  if (c.writesStore !== null) {
    const tier = c.tierOf(c.writesStore);
    return tier === 'session' ? null : `persists into store ${c.writesStore} of the ${tier} tier, outside the session`;
  }
  if (c.spec === undefined) return null;
  if (c.sideEffect === 'write') {
    const tier = c.spec.tier;
    return tier === 'session' ? null : `persists outside the session (a write in the ${tier} tier)`;
  }
  // An MCP tool of an untrusted server is a remote source like a web fetch.
  if ((c.trust ?? c.spec.trust) === 'untrusted' && (c.spec.impl.kind === 'sim' || c.spec.impl.kind === 'mcp')) return 'sends its arguments off the machine (a read from an untrusted remote source)';
  return null;
}
