/**
 * Which declared region a reference falls in, what an agent may do there, and what backs it.
 * References are the lazy-fault forms (memory/lazyFault.ts): `artifact:NAME`, `store:ID#N`,
 * `new:NAME`; an artifact write is `artifact:NAME` too.
 */
import type { RegionSpec } from '../spec/schema';

/** An agent's permission in a region. */
export type RegionAccess = RegionSpec['access'][string];

/** The first declared region holding `ref` (document order), or undefined. */
export function regionFor(regions: readonly RegionSpec[] | undefined, ref: string): RegionSpec | undefined {
  if (regions === undefined) return undefined;
  const [scheme, rest = ''] = ref.split(/:(.*)/s, 2) as [string, string?];
  for (const r of regions) {
    if (r.kind === 'artifact' && scheme === 'artifact' && rest.startsWith(r.match)) return r;
    if (r.kind === 'store' && scheme === 'store' && rest.split('#')[0] === r.match) return r;
    if (r.kind === 'workspace' && scheme === 'new' && rest.startsWith(r.match)) return r;
  }
  return undefined;
}

/** What `agent` may do in `region`: its own entry, else `others`. */
export function accessOf(region: RegionSpec, agent: string): RegionAccess {
  return Object.hasOwn(region.access, agent) ? region.access[agent]! : region.others;
}

/** Whether `access` allows reading, or writing. */
export const mayRead = (access: RegionAccess): boolean => access !== 'none';
export const mayWrite = (access: RegionAccess): boolean => access === 'rw';

/** The backing store of a region, in words the events and view show. */
export function backingOf(region: RegionSpec): string {
  if (region.kind === 'artifact') return 'artifacts (copy-on-write)';
  if (region.kind === 'store') return `store ${region.match} (archive)`;
  return 'scratch (zero-fill)';
}
