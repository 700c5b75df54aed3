/**
 * The run's regions as the kernel state holds them: per declared region, its generation and the
 * handles agents hold into it. A handle carries the generation it was taken at; a fault that
 * drops the region's lock advances the generation, and a handle with an older one is stale (its
 * use is refused, `region.stale`). Checking is O(1) per use: nothing walks the handles to
 * invalidate them, like a page-table generation number checked on use instead of a shootdown.
 */

/** One handle into a region: whose, to what, taken at which generation. */
export interface RegionHandle {
  id: string;
  agent: string;
  ref: string;
  generation: number;
}

/** One region's run-time state. */
export interface RegionState {
  /** Advanced by each fault that dropped the region's lock. */
  generation: number;
  /** Handles issued so far (ids are `<region>#<n>`). */
  issued: number;
  /** Live handles by agent and reference (see handleKey). */
  handles: Record<string, RegionHandle>;
}

/** Every region with state, by id (a region gets state at its first fault). */
export type RegionsState = Record<string, RegionState>;

/** The key of an agent's handle to a reference. */
export const handleKey = (agent: string, ref: string): string => `${agent}\u0000${ref}`;

/** A region's state, made at its first use. */
export function regionEntry(regions: RegionsState, id: string): RegionState {
  let r = regions[id];
  if (r === undefined) {
    r = { generation: 0, issued: 0, handles: Object.create(null) as Record<string, RegionHandle> };
    regions[id] = r;
  }
  return r;
}

/** What a fault in a region did to it (carried on mem.faulted as `region`). */
export interface RegionFault {
  /** The region and its backing store. */
  id: string;
  backing: string;
  /** The region's generation after the fault. */
  generation: number;
  /** The handle the agent holds after the fault (acquired or re-used), or null (the fault did not map a page). */
  handle: string | null;
  /** Set when the fault dropped the region's lock (it will be retried): the generation it advanced from and how many handles it made stale. */
  dropped?: { from: number; invalidated: number };
}
