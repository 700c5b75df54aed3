/**
 * The taint labels an action carries (CaMeL: derivation joins the labels of what it used). Pure.
 */
import type { Action } from '../cpu/cpu';
import type { Proc } from '../state/state';
import { joinLabels, labelOf } from './taint';

/**
 * The source labels of what an action carries. `precise` (the sim): the variables it rendered,
 * the planted instruction it followed and the fact segments a message passes on; otherwise every label in the window counts, since
 * the model read all of it.
 */
export function actionLabels(p: Readonly<Proc>, action: Extract<Action, { kind: 'call' | 'send' | 'write' }>, precise: boolean): string[] {
  if (!precise) return joinLabels(...p.context.map((x) => x.taint ?? []));
  const segTaint = (id: string): string[] => {
    const seg = p.context.find((x) => x.id === id);
    return seg ? (seg.taint ?? (seg.trust === 'untrusted' ? [labelOf('page', seg.source)] : [])) : [];
  };
  const used = (action.uses ?? []).map((v) => (v === 'last' ? p.lastTaint : (p.taint[v] ?? [])));
  const planted = action.kind !== 'write' && action.injectedFrom !== undefined ? segTaint(action.injectedFrom) : [];
  // Facts a send passes on from the window (forwardFacts) derive from the fact segments they copy.
  const passedOn = action.kind === 'send' ? p.context.filter((x) => x.fact && action.facts.includes(x.text)).map((x) => segTaint(x.id)) : [];
  return joinLabels(...used, planted, ...passedOn);
}
