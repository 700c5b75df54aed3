/**
 * The system calls' share of the reducer: a tool call opened, allowed, denied or returned
 * (results enter the window with their provenance and taint; stores and core memory change).
 */
import { denialText } from '../trust/denialText';
import { backToReady, proc, push, takeOut, type SubsystemReducers } from './reduceHelpers';
import { immutable, withEntry } from './immutable';
import { procText } from '../proc/procSnapshot';
import type { DecisionRecord } from '../trust/types';
import type { CallDecisionNote } from './state';

/** What a running call keeps of the decision that allowed it. */
export function noteOf(d: DecisionRecord): CallDecisionNote {
  return { module: d.module, rule: d.rule, scope: d.scope, reason: d.reason };
}

/** The system calls' reducers. */
export const toolReducers = {
  'tool.called': (s, e) => {
    const p = proc(s, e.agent);
    const as = p.pending?.kind === 'call' ? p.pending.as : undefined;
    p.pending = null;
    p.state = 'syscall';
    p.call = { callId: e.callId, tool: e.tool, args: e.args, ...(as === undefined ? {} : { as }), decided: false, until: 0, ...(e.taint && e.taint.length > 0 ? { taint: e.taint } : {}) };
    s.nextId += 1;
  },
  'tool.allowed': (s, e) => {
    const call = proc(s, e.agent).call;
    if (call) {
      call.decided = true;
      call.until = e.until;
      call.decision = noteOf(e.decision);
    }
  },
  'tool.denied': (s, e) => {
    const p = proc(s, e.agent);
    p.call = null;
    const text = denialText(e.tool, e.decision);
    // The reason may quote the call's arguments: the denial carries the call's labels.
    const labels = e.decision.taint.length > 0 ? { trust: 'untrusted' as const, taint: [...e.decision.taint] } : {};
    push(s, p, { role: 'tool', text, tokens: 0, kind: 'tool', source: 'kernel', ...labels }, e.t);
    p.last = text;
    backToReady(p);
  },
  // The /proc text is kept on the open call until it returns: the result is what the event recorded.
  'proc.read': (s, e) => {
    const p = proc(s, e.agent);
    if (p.call?.callId === e.callId) p.call = { ...p.call, read: procText(e.snapshot) };
  },
  'tool.returned': (s, e) => {
    const p = proc(s, e.agent);
    const as = p.call?.as;
    p.call = null;
    const taint = e.taint ?? [];
    const labels = taint.length > 0 ? { taint } : {};
    if (e.hidden) {
      // Execute-only: the planner never sees the result, only the name it is bound to.
      const text = `${e.tool} returned ${e.ok ? 'a result' : 'an error'}${as === undefined ? '' : ` bound to $${as}`} (hidden from the planner)`;
      push(s, p, { role: 'tool', text, tokens: e.tokens, kind: 'tool', source: `tool:${e.tool}`, trust: 'trusted' }, e.t);
    } else if (e.chunks && e.chunks.length > 0) {
      for (const c of e.chunks) {
        // A chunk that rested with labels (a note derived from a web page) is untrusted again when it comes back.
        const trust = c.taint && c.taint.length > 0 ? 'untrusted' : c.trust;
        // A chunk of a store with validity checks: the harness believes it until a check says otherwise; the planted flag stays the world's truth.
        const validity = c.judged ? { validity: 1, truth: c.valid ? 1 : 0 } : { validity: c.valid ? 1 : 0 };
        push(s, p, { role: 'tool', text: c.text, tokens: c.tokens, kind: 'retrieved', source: c.source, trust, ...validity, ...labels }, e.t);
      }
    } else {
      push(s, p, { role: 'tool', text: e.result, tokens: e.tokens, kind: 'tool', source: `tool:${e.tool}`, trust: e.trust ?? 'untrusted', ...labels }, e.t);
    }
    p.lastTaint = taint;
    if (as !== undefined) p.taint = withEntry(p.taint, as, immutable([...taint]));
    if (e.core) {
      const label = e.core.label;
      const old = p.context.find((x) => x.kind === 'core' && x.source === `core:${label}`);
      const text = e.core.mode === 'append' && old ? `${old.text}\n${e.core.text}` : e.core.text;
      // A core block keeps the labels of what was written into it (an append keeps the old block's too).
      const coreTaint = [...new Set([...(e.core.mode === 'append' ? (old?.taint ?? []) : []), ...(e.core.taint ?? [])])].sort();
      if (old) takeOut(p, [old.id]);
      const atRest = coreTaint.length > 0 ? { taint: coreTaint, trust: 'untrusted' as const, verified: false } : { verified: true };
      push(s, p, { role: 'system', text, tokens: e.core.tokens, kind: 'core', source: `core:${label}`, pinned: true, ...atRest }, e.t);
    }
    p.last = e.result;
    if (as !== undefined) p.vars = withEntry(p.vars, as, e.result);
    if (e.stored) {
      const rest = e.stored.taint && e.stored.taint.length > 0 ? { trust: 'untrusted' as const, taint: e.stored.taint } : { trust: 'trusted' as const };
      // A stored document never changes: frozen, shared by snapshots.
      const doc = immutable(Object.assign({ id: e.stored.id, text: e.stored.text, tags: [], valid: true, source: `agent:${e.agent}`, t: e.t }, rest));
      const own = s.views[e.stored.store]?.[e.agent];
      // A session-tier store the agent copied on write: its private copy, never the shared one.
      if (own) own.push(doc);
      else (s.stores[e.stored.store] ??= []).push(doc);
    }
    backToReady(p);
  },
} satisfies SubsystemReducers;
