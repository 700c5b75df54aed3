/**
 * Regions (kernel/region): state agents reach — artifacts, stores, scratch space — divided into
 * declared regions with a permission per agent, a backing store, and a generation per region that
 * a lock-dropping fault advances; handles carry the generation they were taken at, and a stale
 * one is refused (`region.stale`) until the agent re-acquires it.
 */
export { accessOf, backingOf, mayRead, mayWrite, regionFor, type RegionAccess } from './regionMap';
export { applyRegionFault, dropHandle, regionRefusal, regionVerdict, withRegion, type RegionVerdict } from './regionFault';
export { handleKey, regionEntry, type RegionFault, type RegionHandle, type RegionState, type RegionsState } from './regionState';
