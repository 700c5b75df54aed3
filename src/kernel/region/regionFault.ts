/**
 * The region checks on an agent's reads and writes (called by loop/actions.ts), and what a lazy
 * fault in a region does to it. Order on a read: the permission (`region.denied`), then the
 * agent's handle (`region.stale` when its generation is behind the region's), then the fault.
 * A fault that retries drops the region's lock (the writer may change it before the retry), so
 * it advances the region's generation: every handle taken before is stale from then on.
 */
import type { RegionSpec } from '../spec/schema';
import type { KernelState } from '../state/state';
import type { EventOf, KernelEventBody } from '../trace/events';
import { accessOf, backingOf, mayRead, mayWrite, regionFor, type RegionAccess } from './regionMap';
import { handleKey, regionEntry, type RegionFault, type RegionsState } from './regionState';

type FaultBody = Extract<KernelEventBody, { type: 'mem.faulted' }>;

/** What the permission of the region holding a reference says about one access, in words the agent and the studio show. */
export interface RegionVerdict {
  region: string;
  permission: RegionAccess;
  allowed: boolean;
  detail: string;
}

/**
 * The region's verdict on `agent`'s read or write of `ref`, or undefined when no declared region holds it.
 * The one place the permission is judged: regionRefusal decides with it, explainAccess explains with it.
 * `call` names the system call making the access (its tool is named in the words).
 */
export function regionVerdict(regions: readonly RegionSpec[] | undefined, agent: string, ref: string, access: 'read' | 'write', call?: { tool: string }): RegionVerdict | undefined {
  const region = regionFor(regions, ref);
  if (region === undefined) return undefined;
  const permission = accessOf(region, agent);
  const allowed = access === 'read' ? mayRead(permission) : mayWrite(permission);
  const by = call === undefined ? '' : ` (${call.tool})`;
  const detail = `${access} of ${ref}${by} ${allowed ? 'allowed' : 'refused'}: ${agent} holds "${permission}" on region ${region.id} (${backingOf(region)})`;
  return { region: region.id, permission, allowed, detail };
}

/**
 * The refusal of `agent`'s read or write of `ref` by its region (permission, then a stale handle), or null: go on.
 * `call` names the system call making the access (a store search or insert): the refusal ends that call. A call
 * takes no handle (only a lazy fault does), so only the permission can refuse it.
 */
export function regionRefusal(s: Readonly<KernelState>, regions: readonly RegionSpec[] | undefined, agent: string, ref: string, access: 'read' | 'write', call?: { callId: string; tool: string }): KernelEventBody | null {
  const verdict = regionVerdict(regions, agent, ref, access, call);
  if (verdict === undefined) return null;
  const { region, permission, allowed, detail } = verdict;
  if (!allowed) return { type: 'region.denied', agent, region, ref, access, permission, detail, ...(call === undefined ? {} : { callId: call.callId, tool: call.tool }) };
  if (access === 'write' || call !== undefined) return null;
  const st = s.regions?.[region];
  const held = st?.handles[handleKey(agent, ref)];
  if (st === undefined || held === undefined || held.generation === st.generation) return null;
  const stale = `stale handle ${held.id} to ${ref}: taken at generation ${held.generation}, region ${region} is at generation ${st.generation} (a fault dropped its lock since); re-acquire it by reading ${ref} again`;
  return { type: 'region.stale', agent, region, ref, handle: held.id, handleGeneration: held.generation, generation: st.generation, detail: stale };
}

/** The fault with what it did to its region (none outside a region): a retry drops the lock, a mapped page acquires a handle. */
export function withRegion(s: Readonly<KernelState>, regions: readonly RegionSpec[] | undefined, fault: FaultBody): FaultBody {
  const region = regionFor(regions, fault.ref);
  if (region === undefined) return fault;
  const st = s.regions?.[region.id];
  const gen = st?.generation ?? 0;
  const base = { id: region.id, backing: backingOf(region) };
  if (fault.outcome === 'retry') {
    let invalidated = 0;
    for (const h of Object.values(st?.handles ?? {})) if (h.generation === gen) invalidated += 1;
    return { ...fault, region: { ...base, generation: gen + 1, handle: null, dropped: { from: gen, invalidated } } };
  }
  if (fault.outcome === 'failed') return { ...fault, region: { ...base, generation: gen, handle: null } };
  const held = st?.handles[handleKey(fault.agent, fault.ref)];
  const handle = held !== undefined && held.generation === gen ? held.id : `${region.id}#${(st?.issued ?? 0) + 1}`;
  return { ...fault, region: { ...base, generation: gen, handle } };
}

/** Applies a region fault to the state (the reducer of mem.faulted calls it). */
export function applyRegionFault(regions: RegionsState, agent: string, ref: string, f: RegionFault): void {
  const r = regionEntry(regions, f.id);
  r.generation = f.generation;
  if (f.handle === null) return;
  const key = handleKey(agent, ref);
  if (r.handles[key]?.id !== f.handle) r.issued += 1;
  r.handles[key] = { id: f.handle, agent, ref, generation: f.generation };
}

/** Drops a stale handle (the reducer of region.stale calls it): the agent's next read acquires a new one. */
export function dropHandle(regions: RegionsState | undefined, e: EventOf<'region.stale'>): void {
  const r = regions?.[e.region];
  if (r !== undefined) delete r.handles[handleKey(e.agent, e.ref)];
}
