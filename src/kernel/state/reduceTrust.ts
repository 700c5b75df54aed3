/**
 * The trust pillar's share of the reducer: asks and approvals, capability handles, copy-on-write
 * session views, signature failures and rollbacks. Like applyEvent, pure over plain state.
 */
import { idTable } from '../ids';
import type { KernelState, Proc } from './state';
import type { EventOf, KernelEvent } from '../trace/events';
import { frozenCopy, immutable, replacedAt } from './immutable';
import { touchProc } from './touched';
import { noteOf } from './reduceTools';

type TrustEvent = EventOf<'tool.asked' | 'tool.approved' | 'cap.granted' | 'cap.expired' | 'mem.cow' | 'trust.signature' | 'audit.rolledback'>;

/** The agent's record, to change it (announced, see touched.ts). */
function procOf(s: KernelState, id: string): Proc {
  const p = s.procs[id];
  if (!p) throw new Error(`event for unknown agent ${id}`);
  touchProc(s, id);
  return p;
}

export function applyTrustEvent(s: KernelState, e: KernelEvent): void {
  const t = e as TrustEvent;
  switch (t.type) {
    case 'tool.asked': {
      const call = procOf(s, t.agent).call;
      if (call) call.asked = { seq: t.seq, decision: t.decision };
      return;
    }
    case 'tool.approved': {
      const call = procOf(s, t.agent).call;
      if (!call) return;
      if (call.asked?.decision.ask === 'declassify') {
        // The human vouched for these values: the call is checked again without their labels.
        s.declassified = [...new Set([...s.declassified, ...call.asked.decision.taint])].sort();
      } else {
        call.decided = true;
        call.until = t.until;
        call.decision = noteOf(t.decision);
      }
      delete call.asked;
      if (t.decision.rule !== null && t.match !== null) s.sessionRules.push({ id: t.decision.rule, effect: 'allow', match: t.match, scope: 'session', level: 'session' });
      return;
    }
    case 'cap.granted':
      // A handle record never changes in place (its end replaces it): frozen, shared by snapshots.
      for (const h of t.handles) s.handles[h.id] = immutable(Object.assign({}, h));
      s.nextId += t.handles.length;
      return;
    case 'cap.expired': {
      const h = s.handles[t.handle];
      if (h) s.handles[t.handle] = frozenCopy(h, { ended: immutable({ t: t.t, reason: t.reason }) });
      return;
    }
    case 'mem.cow':
      (s.views[t.store] ??= idTable())[t.agent] ??= [];
      return;
    case 'trust.signature': {
      if (t.ok || t.at !== 'turn') return;
      // A changed prompt stops its agent at the next context rebuild.
      const p = procOf(s, t.agent);
      p.state = 'failed';
      p.needsEnqueue = false;
      p.finished = null;
      return;
    }
    case 'audit.rolledback': {
      const u = t.undo;
      if (u.kind === 'delete-chunk') {
        const docs = s.stores[u.store];
        if (docs) s.stores[u.store] = docs.filter((d) => d.id !== u.id);
        const views = s.views[u.store];
        if (views) for (const agent of Object.keys(views)) views[agent] = views[agent]!.filter((d) => d.id !== u.id);
      } else if (u.kind === 'restore-artifact') {
        if (u.text === null) delete s.artifacts[u.name];
        else s.artifacts[u.name] = { agent: u.agent ?? '', text: u.text, seq: u.seq ?? t.seq, ...(u.taint && u.taint.length > 0 ? { taint: u.taint } : {}) };
      } else {
        const p = s.procs[u.agent];
        const at = p ? p.context.findIndex((x) => x.kind === 'core' && x.source === `core:${u.label}`) : -1;
        if (p && at >= 0) {
          // Segments are frozen: the block is replaced by one with the old text.
          touchProc(s, p.id);
          p.context = replacedAt(p.context, at, frozenCopy(p.context[at]!, { text: u.text }));
        }
      }
      return;
    }
  }
}
