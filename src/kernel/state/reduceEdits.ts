/**
 * The reducer of `human.edited` (trace/editEvent.ts): a person's edit of the state, resolved by
 * the kernel (loop/editState.ts) into exactly what changes. Segments, messages and documents are
 * frozen and shared by snapshots, so each change replaces them with an edited copy.
 */
import type { Segment } from '../memory/segment';
import type { EventOf } from '../trace/events';
import type { KernelState, Proc, StoreDoc } from './state';
import { frozenCopy, immutable, removedAt, replacedAt, withEntry } from './immutable';
import { proc, push, type SubsystemReducers } from './reduceHelpers';

/** Replaces the text of the window segment `id` (its tokens too); the rest of it is kept. */
function rewriteSegment(p: Proc, id: string, text: string, tokens: number): void {
  const i = p.context.findIndex((x) => x.id === id);
  if (i < 0) throw new Error(`human.edited names segment ${id}, which is not in ${p.id}'s window`);
  const old = p.context[i]!;
  p.context = replacedAt(p.context, i, frozenCopy<Segment>(old, { text, tokens }));
  p.contextTokens += tokens - old.tokens;
}

/** The document `id` in a list of a store's documents, replaced by a copy with `text`. */
function rewriteDoc(docs: StoreDoc[] | undefined, id: string, text: string): void {
  const i = docs?.findIndex((d) => d.id === id) ?? -1;
  if (docs && i >= 0) docs[i] = immutable(Object.assign({}, docs[i]!, { text }));
}

/** Applies one `human.edited`. */
function applyEdit(s: KernelState, e: EventOf<'human.edited'>): void {
  const edit = e.edit;
  switch (edit.kind) {
    case 'segment.removed': {
      const p = proc(s, e.agent);
      const i = p.context.findIndex((x) => x.id === edit.segment);
      if (i < 0) throw new Error(`human.edited names segment ${edit.segment}, which is not in ${p.id}'s window`);
      p.contextTokens -= p.context[i]!.tokens;
      // Removed by a person, not evicted: it does not go to recall.
      p.context = removedAt(p.context, i);
      return;
    }
    case 'segment.edited':
    case 'core.edited':
      rewriteSegment(proc(s, e.agent), edit.segment, edit.text, edit.tokens);
      return;
    case 'segment.added': {
      const p = proc(s, e.agent);
      const kind = edit.fact ? 'fact' : edit.role === 'tool' ? 'tool' : 'message';
      push(s, p, { role: edit.role, text: edit.text, tokens: edit.tokens, kind, source: 'human', fact: edit.fact, trust: 'trusted', verified: true }, e.t);
      return;
    }
    case 'chunk.edited':
      if (edit.shared) rewriteDoc(s.stores[edit.store], edit.id, edit.text);
      for (const agent of edit.agents) rewriteDoc(s.views[edit.store]?.[agent], edit.id, edit.text);
      return;
    case 'message.edited': {
      if (edit.where === 'inflight') {
        const i = s.inflight.findIndex((m) => m.msgId === edit.msgId);
        if (i >= 0) s.inflight[i] = immutable(Object.assign({}, s.inflight[i]!, { text: edit.text, tokens: edit.tokens }));
        return;
      }
      const p = proc(s, e.agent);
      const i = p.inbox.findIndex((m) => m.msgId === edit.msgId);
      if (i >= 0) p.inbox = replacedAt(p.inbox, i, immutable(Object.assign({}, p.inbox[i]!, { text: edit.text, tokens: edit.tokens })));
      return;
    }
    case 'tool-result.edited': {
      const p = proc(s, e.agent);
      const [first, ...rest] = edit.segments;
      if (first !== undefined) rewriteSegment(p, first, edit.text, edit.tokens);
      for (const id of rest) {
        const i = p.context.findIndex((x) => x.id === id);
        if (i < 0) continue;
        p.contextTokens -= p.context[i]!.tokens;
        p.context = removedAt(p.context, i);
      }
      if (edit.bind !== null) p.vars = withEntry(p.vars, edit.bind, edit.text);
      if (edit.last) p.last = edit.text;
      return;
    }
    case 'artifact.edited': {
      const old = s.artifacts[edit.name];
      if (old) s.artifacts[edit.name] = { ...old, text: edit.text, seq: e.seq };
      return;
    }
    case 'document.edited':
      // The run already runs on the edited document: nothing in the state changes.
      return;
  }
}

/** The edits' reducer. */
export const editReducers = {
  'human.edited': applyEdit,
} satisfies SubsystemReducers;
