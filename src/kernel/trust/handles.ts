/**
 * Capability handles: an agent holds each target it may touch through a handle, issued at job
 * creation from its capabilities. borrowed is a read-only view, unique the one editable handle
 * on a target (exclusive among live unique handles), shared a published read/use handle for
 * many holders. Job leases end with the job or after their term; durable leases are explicit
 * grants that outlive it. Using a handle whose lease ended is a typed error, not a silent deny.
 */
import type { KernelState } from '../state/state';
import type { KernelEventBody } from '../trace/events';
import type { AgentSpec, CapabilitySpec } from '../spec';
import type { Handle, HandleKind, ModuleAnswer, OpRequest, PolicyModule } from './types';

/** The handle a capability asks for: its `handle`, else from access (read → borrowed, write/readwrite → unique, use → shared). */
export function kindOf(cap: Pick<CapabilitySpec, 'access' | 'handle'>): HandleKind {
  if (cap.handle) return cap.handle;
  if (cap.access === 'read') return 'borrowed';
  return cap.access === 'use' ? 'shared' : 'unique';
}

/** What a handle of this kind grants: only unique handles keep write access; borrowed and shared are clamped to read (or use). */
function grantedAccess(kind: HandleKind, access: CapabilitySpec['access']): Handle['access'] {
  if (kind === 'unique') return access;
  return access === 'use' ? 'use' : 'read';
}

/** Whether a lease is still running at `now`: not ended and, with a term, before it (the term's end is exclusive). */
export function isLive(h: Handle, now: number): boolean {
  return h.ended === null && (h.expiresAt === null || now < h.expiresAt);
}

/**
 * Issues one handle per capability of `agent` at virtual time `now`. A unique handle on a target
 * another agent holds live-unique in `live` is refused, with a reason naming the holder (one
 * agent may hold several of its own). Job leases with `leaseMs` expire at `now + leaseMs`; job
 * leases without a term and durable leases have no expiry (`leaseMs` is a job lease's term only).
 * `newId(i)` names the i-th handle issued by this call, from 0, so refusals leave no gaps.
 * `live` may be a function: it is then called only for a unique capability (listing every handle
 * of a thousand-agent run for each job start cost more than the rest of the start).
 */
export function issueHandles(
  agent: AgentSpec,
  live: readonly Handle[] | (() => readonly Handle[]),
  now: number,
  newId: (i: number) => string,
): { handles: Handle[]; refused: { target: string; reason: string }[] } {
  const handles: Handle[] = [];
  const refused: { target: string; reason: string }[] = [];
  let held: readonly Handle[] | undefined;
  for (const cap of agent.capabilities) {
    const kind = kindOf(cap);
    if (kind === 'unique') {
      held ??= typeof live === 'function' ? live() : live;
      const holder = held.find((h) => h.kind === 'unique' && h.target === cap.target && h.agent !== agent.id && isLive(h, now));
      if (holder) {
        refused.push({ target: cap.target, reason: `${holder.agent} holds the unique handle ${holder.id} on ${cap.target}` });
        continue;
      }
    }
    handles.push({
      id: newId(handles.length),
      agent: agent.id,
      target: cap.target,
      kind,
      access: grantedAccess(kind, cap.access),
      lease: cap.lease,
      issuedAt: now,
      expiresAt: cap.lease === 'job' && cap.leaseMs !== undefined ? now + cap.leaseMs : null,
      ended: null,
    });
  }
  return { handles, refused };
}

/** Why a handle does not allow an access; 'lease-ended' is the typed error for a handle used after its lease. */
export type HandleError = { ok: false; code: 'no-handle' | 'lease-ended' | 'lent' | 'read-only'; reason: string };

/** What checkHandle answers: the access is allowed, or the typed error saying why not. */
export type HandleCheck = { ok: true } | HandleError;

/**
 * Whether handle `h` allows `access` at `now`. Any live handle reads and uses its target; only a
 * handle granted write or readwrite (a unique one) writes. A lease that ended (marked, or
 * `now ≥ expiresAt` before the kernel got to mark it) is 'lease-ended' whatever the access; a
 * unique handle moved to a sub-agent is 'lent' until the sub-agent exits.
 */
export function checkHandle(h: Handle | undefined, access: 'use' | 'read' | 'write', now: number): HandleCheck {
  if (!h) return { ok: false, code: 'no-handle', reason: 'no handle on the target' };
  if (h.ended) return { ok: false, code: 'lease-ended', reason: `handle ${h.id} on ${h.target}: its lease ended at t=${h.ended.t} (${h.ended.reason})` };
  if (h.expiresAt !== null && now >= h.expiresAt) {
    return { ok: false, code: 'lease-ended', reason: `handle ${h.id} on ${h.target}: its lease term ended at t=${h.expiresAt}` };
  }
  if (h.lentTo !== undefined) return { ok: false, code: 'lent', reason: `unique handle ${h.id} on ${h.target} is lent to ${h.lentTo} until it exits` };
  if (access === 'write' && h.access !== 'write' && h.access !== 'readwrite') {
    const what = h.kind === 'borrowed' ? 'a read-only view' : h.kind === 'shared' ? 'published read-only' : `granted ${h.access} only`;
    return { ok: false, code: 'read-only', reason: `${h.kind} handle ${h.id} on ${h.target} is ${what}` };
  }
  return { ok: true };
}

/** The handles the kernel ends when `agent`'s job ends: its job leases not yet ended (durable grants survive). */
export function endingWithJob(handles: readonly Handle[], agent: string): Handle[] {
  return handles.filter((h) => h.agent === agent && h.lease === 'job' && h.ended === null);
}

/**
 * The next lease term to end, for the kernel's timer: the not-yet-ended handle with the earliest
 * `expiresAt` (first in input order on ties). A term already past is returned too, with `t = now`
 * (the kernel cannot emit in the past), so the kernel emits `cap.expired` for it at once. Null: no terms.
 */
export function nextExpiry(handles: readonly Handle[], now: number): { handle: Handle; t: number } | null {
  let next: { handle: Handle; at: number } | null = null;
  for (const h of handles) {
    if (h.ended !== null || h.expiresAt === null) continue;
    if (next === null || h.expiresAt < next.at) next = { handle: h, at: h.expiresAt };
  }
  return next && { handle: next.handle, t: Math.max(next.at, now) };
}

const CAPABILITY_HOOKS = Object.freeze(['tool.call', 'memory.read', 'memory.write'] as const);

/** Orders an agent's handles on one target: one that allows the access, then the failure that explains most. */
function bestFit(handles: readonly Handle[], access: 'use' | 'read' | 'write', now: number): { h: Handle; check: HandleCheck } | null {
  let best: { h: Handle; check: HandleCheck; rank: number } | null = null;
  for (const h of handles) {
    const check = checkHandle(h, access, now);
    // 0 allows; 1 would allow but its lease ended; 2 live but read-only; 3 ended and would not allow anyway.
    const wouldAllow = access !== 'write' || h.access === 'write' || h.access === 'readwrite';
    const rank = check.ok ? 0 : check.code === 'read-only' ? 2 : wouldAllow ? 1 : 3;
    if (best === null || rank < best.rank) best = { h, check, rank };
  }
  return best;
}

/**
 * The capability module (LSM's `capability`, first in the stack): an operation needs a live handle
 * on its target that allows its access. An agent's own memory (target = agent) needs none (rule
 * 'own-memory', scope 'kernel'). A failure denies with the handle error's code under rule
 * `capability:<agent>-><target>`, scope 'agent'. An allow names the grant that let it through as
 * rule `handle:<id>`, scope 'agent': the kernel records that id as the event's `grant`.
 */
export function capabilityModule(handlesOf: (agent: string) => readonly Handle[], now: () => number): PolicyModule {
  return Object.freeze({
    name: 'capability',
    hooks: CAPABILITY_HOOKS,
    check(req: OpRequest): ModuleAnswer {
      if (req.target === req.agent) {
        const reason = `${req.agent} reads and writes its own memory without a capability`;
        return { effect: 'allow', module: 'capability', rule: 'own-memory', scope: 'kernel', reason };
      }
      const rule = `capability:${req.agent}->${req.target}`;
      const fit = bestFit(handlesOf(req.agent).filter((h) => h.target === req.target), req.access, now());
      if (fit === null) {
        return { effect: 'deny', module: 'capability', rule, scope: 'agent', code: 'no-handle', reason: `${req.agent} holds no capability on ${req.target}` };
      }
      const { h, check } = fit;
      if (!check.ok) return { effect: 'deny', module: 'capability', rule, scope: 'agent', code: check.code, reason: check.reason };
      return {
        effect: 'allow', module: 'capability', rule: `handle:${h.id}`, scope: 'agent',
        reason: `${req.agent} holds ${h.kind} handle ${h.id} on ${h.target} (${h.access}, ${h.lease} lease)`,
      };
    },
  });
}

/**
 * The next lease that has ended and is not yet marked (`cap.expired`): a job lease whose holder
 * finished or failed, or one whose term has passed. Null when none. Reads the kernel state.
 */
export function endedLease(s: Readonly<Pick<KernelState, 'handles' | 'procs' | 'now'>>): KernelEventBody | null {
  for (const h of Object.values(s.handles)) {
    if (h.ended !== null) continue;
    const holder = s.procs[h.agent];
    if (h.lease === 'job' && holder && (holder.state === 'done' || holder.state === 'failed')) {
      return { type: 'cap.expired', agent: h.agent, handle: h.id, target: h.target, reason: `${h.agent}'s job ended, and with it this job-scoped lease` };
    }
    if (h.expiresAt !== null && h.expiresAt <= s.now) {
      return { type: 'cap.expired', agent: h.agent, handle: h.id, target: h.target, reason: `the lease term ended at ${h.expiresAt} ms` };
    }
  }
  return null;
}
