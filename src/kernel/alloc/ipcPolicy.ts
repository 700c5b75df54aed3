/**
 * The `ipc` export path: a message to another agent may not carry an object of a class whose
 * policy keeps it in the run. What a message carries is known by the variables its text was
 * rendered from (`uses`, as taint knows it, trust/actionTaint.ts): each variable's value is traced
 * to the newest window segment holding that text, and the segment's source names its class.
 * A real model's free text names no variables, so only what it declares is checked (docs/memory.md).
 */
import type { AllocSpec } from '../spec/schema';
import type { Proc } from '../state/state';
import { classOfSource, exportPolicies } from './exportPolicy';
import type { SlabClassName } from './slabClass';

/** The first variable `uses` names whose class may not go to another agent, with that class; null when the message may go. */
export function ipcWithheld(spec: { alloc?: AllocSpec | undefined }, p: Proc, uses: readonly string[]): { variable: string; cls: SlabClassName } | null {
  if (uses.length === 0 || spec.alloc === undefined) return null;
  const policy = exportPolicies(spec);
  for (const v of uses) {
    const value = v === 'last' ? p.last : p.vars[v];
    if (typeof value !== 'string' || value === '') continue;
    const seg = newest(p.context, value) ?? newest(p.recall, value);
    if (!seg) continue;
    const cls = classOfSource(seg.source);
    if (!policy[cls].ipc) return { variable: v, cls };
  }
  return null;
}

function newest<T extends { text: string }>(list: readonly T[], text: string): T | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.text === text) return list[i];
  return undefined;
}
