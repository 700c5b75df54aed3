/**
 * Memory's share of the reducer: pressure levels, eviction and compaction of the context
 * window into recall storage, and lazy page faults that read a chunk back in.
 */
import type { Segment } from '../memory/segment';
import { backToReady, chargeRun, proc, push, takeOut, type SubsystemReducers } from './reduceHelpers';
import { immutable, insertedAt, replacedAt, withEntry } from './immutable';
import { applyRegionFault } from '../region/regionFault';

/** The context window's reducers: pressure, eviction, compaction, page faults. */
export const memoryReducers = {
  'mem.pressure': (s, e) => {
    proc(s, e.agent).pressure = e.level;
  },
  'mem.evicted': (s, e) => {
    takeOut(proc(s, e.agent), e.segments.map((x) => x.id));
  },
  'mem.compacted': (s, e) => {
    const p = proc(s, e.agent);
    const at = p.context.findIndex((x) => x.id === e.summarized[0]?.id);
    const { taken } = takeOut(p, e.summarized.map((x) => x.id));
    const seg: Segment = {
      id: e.summary.id, role: 'system', text: e.summary.text, tokens: e.summary.tokens, kind: 'summary', source: 'summary',
      fact: false, pinned: false, trust: 'trusted', verified: false, validity: Math.min(1, ...taken.map((x) => x.validity)), t: e.t, reads: [],
    };
    // A summary derives from what it summarised: it keeps their labels (conservative taint).
    const taint = [...new Set(taken.flatMap((x) => x.taint ?? []))].sort();
    if (taint.length > 0) {
      seg.taint = taint;
      seg.trust = 'untrusted';
    }
    // Frozen like every segment in a window (see push).
    p.context = insertedAt(p.context, at < 0 ? p.context.length : at, immutable(seg));
    p.contextTokens += seg.tokens;
    s.nextSeg += 1;
    // A model's summary is the run's spending, as a judge's call.
    chargeRun(s, e.charge);
  },
  'mem.validity': (s, e) => {
    const p = proc(s, e.agent);
    const at = p.context.findIndex((x) => x.id === e.segment);
    if (at < 0) return;
    const old = p.context[at]!;
    // A re-checked contradiction (recheck) speaks again for an index it already holds.
    const checked = old.checked?.includes(e.index) ? old.checked : [...(old.checked ?? []), e.index];
    // The why the Memory view shows: the check that lowered it last, else the first check that said anything.
    const why = e.validity < e.before || old.validityBy === undefined;
    const seg: Segment = { ...old, validity: e.validity, checked, ...(why ? { validityBy: { check: e.check, reason: e.reason } } : {}) };
    // recheck: a valid verdict remembers the fact it agreed with (a newer one asks again); an invalid one is final.
    if (e.contradiction?.recheck) {
      const agreed = (old.agreed ?? []).filter((a) => a.index !== e.index);
      if (e.verdict === 'valid') agreed.push({ index: e.index, fact: e.contradiction.fact });
      if (agreed.length > 0) seg.agreed = agreed;
      else delete seg.agreed;
    }
    p.context = replacedAt(p.context, at, immutable(seg));
    if (e.evicted) takeOut(p, [seg.id]);
    // The judge's call is the run's spending, as a goal's judge.
    chargeRun(s, e.charge);
  },
  'mem.faulted': (s, e) => {
    const p = proc(s, e.agent);
    if (e.region !== undefined) applyRegionFault((s.regions ??= Object.create(null) as NonNullable<typeof s.regions>), e.agent, e.ref, e.region);
    if (e.outcome === 'retry') {
      p.pc = Math.max(0, p.pc - 1); // the read is attempted again next turn
      backToReady(p);
      return;
    }
    if (e.outcome === 'failed') {
      push(s, p, { role: 'tool', text: e.detail, tokens: 0, kind: 'tool', source: `fault:${e.ref}` }, e.t);
      p.last = e.detail;
    } else {
      // The labels the page carried at rest (an artifact derived from a web page), else the page itself when untrusted.
      const taint = e.taint && e.taint.length > 0 ? e.taint : e.trust === 'untrusted' ? [`page:${e.ref}`] : [];
      push(s, p, { role: 'tool', text: e.text, tokens: e.tokens, kind: 'retrieved', source: `fault:${e.ref}`, trust: e.trust, validity: e.valid ? 1 : 0, ...(taint.length > 0 ? { taint } : {}) }, e.t);
      p.last = e.text;
      p.lastTaint = taint;
      if (e.as !== undefined) {
        p.vars = withEntry(p.vars, e.as, e.text);
        p.taint = withEntry(p.taint, e.as, immutable([...taint]));
      }
    }
    backToReady(p);
  },
} satisfies SubsystemReducers;
