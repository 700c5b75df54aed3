/**
 * The handles a sub-agent gets (kernel/loop/spawn.ts): each capability its spawner asks for it is
 * narrowed from a live handle the spawner holds on the same target, never widened. A child gets a
 * borrowed view (read or use) or, only from a spawner's unique handle that writes, a unique one;
 * asking for more than the spawner holds (write through a read-only handle, a target it holds no
 * handle on, a shared handle to write) refuses the spawn with the typed code `caps-widen`.
 * A unique grant moves the spawner's handle, like passing ownership: the spawner's handle is lent
 * to the child (`lentTo`, unusable by the spawner: `lent`) until the child exits, when it returns.
 */
import type { SpawnCap } from '../cpu/cpu';
import type { Handle, HandleKind } from './types';
import { isLive } from './handles';

/** One narrowed grant: the child's handle, from which of the spawner's handles. */
export interface NarrowedCap {
  target: string;
  kind: HandleKind;
  access: Handle['access'];
  /** The spawner's handle it is narrowed from. */
  from: string;
  /** That handle's lease: a durable one lets the child outlive the spawner's job with it. */
  lease: Handle['lease'];
}

/** Whether access `a` is within access `b` (use ⊂ read ⊂ readwrite; write ⊂ readwrite). */
function within(a: Handle['access'], b: Handle['access']): boolean {
  if (a === b || b === 'readwrite') return true;
  if (a === 'use') return b === 'read';
  return false;
}

/** The kind a child's capability asks for: its `handle`, else borrowed to read or use, unique to write. */
function askedKind(c: SpawnCap): HandleKind {
  if (c.handle) return c.handle;
  return c.access === 'write' || c.access === 'readwrite' ? 'unique' : 'borrowed';
}

/**
 * Narrows `asked` against the spawner's `held` handles at `now`. Prefers a durable handle over a
 * job-scoped one on the same target (what a detached child needs to outlive its spawner). Returns
 * the grants, or the first capability that would widen the spawner's, with the numbers behind it.
 */
export function narrowCaps(asked: readonly SpawnCap[], held: readonly Handle[], now: number):
  | { ok: true; granted: NarrowedCap[] }
  | { ok: false; target: string; reason: string; numbers: Record<string, string | null> } {
  const granted: NarrowedCap[] = [];
  for (const c of asked) {
    const kind = askedKind(c);
    const all = held.filter((h) => h.target === c.target && isLive(h, now));
    // A handle lent to another sub-agent is not the spawner's to narrow until it comes back.
    const live = all.filter((h) => h.lentTo === undefined);
    const lent = all.find((h) => h.lentTo !== undefined);
    const widen = (reason: string, h: Handle | undefined): { ok: false; target: string; reason: string; numbers: Record<string, string | null> } => ({
      ok: false, target: c.target, reason,
      numbers: { target: c.target, askedAccess: c.access, askedKind: kind, heldHandle: h?.id ?? null, heldKind: h?.kind ?? null, heldAccess: h?.access ?? null },
    });
    if (live.length === 0 && lent) return widen(`it asks ${c.access} on ${c.target}, and its spawner's unique handle ${lent.id} there is lent to ${lent.lentTo} until it exits`, lent);
    if (live.length === 0) return widen(`it asks ${c.access} on ${c.target}, and its spawner holds no live handle there`, undefined);
    if (kind === 'shared') return widen(`it asks a shared handle on ${c.target}; a sub-agent gets only a borrowed or a unique one`, live[0]);
    const access: Handle['access'] = kind === 'borrowed' ? (c.access === 'use' ? 'use' : 'read') : c.access;
    const fits = live.filter((h) => within(access, h.access) && (kind !== 'unique' || h.kind === 'unique'));
    if (fits.length === 0) {
      const best = live[0]!;
      return widen(`it asks ${kind} ${access} on ${c.target}, more than its spawner's ${best.kind} handle ${best.id} (${best.access})`, best);
    }
    const from = fits.find((h) => h.lease === 'durable') ?? fits[0]!;
    granted.push({ target: c.target, kind, access, from: from.id, lease: from.lease });
  }
  return { ok: true, granted };
}

/** The spawner's handles a spawn's grants move to the child (each unique grant's source), in grant order. */
export function movedHandles(granted: readonly NarrowedCap[]): string[] {
  return granted.filter((c) => c.kind === 'unique').map((c) => c.from);
}
