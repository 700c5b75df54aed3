import { useCallback, useEffect, useRef, useState } from 'react';
import { useStudio } from '../../store';
import { findEntity } from './docModel';
import { edgeId, parseEdgeId } from './docOps';

export interface Picked {
  nodes: ReadonlySet<string>;
  edges: ReadonlySet<string>;
}

const EMPTY: Picked = { nodes: new Set(), edges: new Set() };

/**
 * What the canvas selection means for the inspector: one node, or one channel, is the
 * inspected entity; nothing picked clears it; several picked (for deleting together) leave
 * it as it was. `undefined` means "leave it".
 */
export function primaryOf(p: Picked): string | null | undefined {
  if (p.nodes.size === 1 && p.edges.size === 0) return [...p.nodes][0]!;
  if (p.nodes.size === 0 && p.edges.size === 1) {
    const ref = parseEdgeId([...p.edges][0]!);
    return ref?.type === 'channel' ? ref.id : null;
  }
  if (p.nodes.size === 0 && p.edges.size === 0) return null;
  return undefined;
}

function pickedFor(selection: string | null): Picked {
  if (selection === null) return EMPTY;
  const kind = findEntity(useStudio.getState().doc, selection)?.kind;
  return kind === 'channel' ? { nodes: new Set(), edges: new Set([edgeId({ type: 'channel', id: selection })]) } : { nodes: new Set([selection]), edges: new Set() };
}

/**
 * The canvas's picked nodes and edges. Data flows one way each time: user select changes from
 * xyflow update the picked sets and then the store's `selection`; a selection changed
 * elsewhere (inspector, problems list, undo, a new node) replaces the picked sets. xyflow's
 * own selection is never read back, so the two cannot chase each other.
 */
export function useCanvasSelection() {
  const selection = useStudio((s) => s.selection);
  const [picked, setPicked] = useState<Picked>(() => pickedFor(selection));
  const ref = useRef(picked);

  useEffect(() => {
    const current = ref.current;
    const primary = primaryOf(current);
    if (primary === selection) return; // our own update coming back
    const within = selection !== null && (current.nodes.has(selection) || current.edges.has(edgeId({ type: 'channel', id: selection })));
    if (primary === undefined && within) return; // still part of a multi-pick
    ref.current = pickedFor(selection);
    setPicked(ref.current);
  }, [selection]);

  const pick = useCallback((kind: 'nodes' | 'edges', changes: readonly { id: string; selected: boolean }[]) => {
    if (changes.length === 0) return;
    const set = new Set(ref.current[kind]);
    for (const c of changes) {
      if (c.selected) set.add(c.id);
      else set.delete(c.id);
    }
    ref.current = { ...ref.current, [kind]: set };
    setPicked(ref.current);
    const primary = primaryOf(ref.current);
    if (primary !== undefined) useStudio.getState().select(primary);
  }, []);

  const clear = useCallback(() => {
    ref.current = EMPTY;
    setPicked(EMPTY);
  }, []);

  return { picked, pick, clear };
}
