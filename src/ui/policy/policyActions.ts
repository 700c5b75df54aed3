/**
 * The Policy view's edits, each one undoable change of the document through the store (so
 * undo/redo and autosave treat them like every other edit). Typing in a rule's matcher merges
 * into one undo entry per rule.
 */
import type { Effect, Mode, PolicySpec, ScopeLevel } from '../../kernel';
import { useStudio } from '../../store';
import { addRule, addScope, deleteRule, deleteScope, setPolicyField, updateRule } from '../editor/docOps';

function apply(label: string, edit: (doc: unknown) => unknown, key?: string): void {
  const { doc, change } = useStudio.getState();
  change(label, edit(doc), key ? { key } : {});
}

export function setMode(mode: Mode): void {
  apply(`Set permission mode to ${mode}`, (doc) => setPolicyField(doc, 'mode', mode));
}

export function setTaint(taint: PolicySpec['taint']): void {
  apply(taint === 'off' ? 'Turn the taint defence off' : `Set tainted sinks to ${taint}`, (doc) => setPolicyField(doc, 'taint', taint));
}

export function setRequireSigned(on: boolean): void {
  apply(on ? 'Require signed agents and policy' : 'Stop requiring signatures', (doc) => setPolicyField(doc, 'requireSigned', on));
}

export function createScope(level: ScopeLevel): string {
  const { doc, change } = useStudio.getState();
  const added = addScope(doc, level);
  change(`Add ${level} scope ${added.id}`, added.doc);
  return added.id;
}

export function removeScope(id: string, rules: number): void {
  apply(`Delete scope ${id}${rules > 0 ? ` and its ${rules} rule${rules === 1 ? '' : 's'}` : ''}`, (doc) => deleteScope(doc, id));
}

/** Adds the rule and focuses it; null when the scope is gone. */
export function createRule(scope: string, effect: Effect, match: string): string | null {
  const { doc, change, focusPolicy } = useStudio.getState();
  const added = addRule(doc, scope, { effect, match });
  if (!added) return null;
  change(`Add ${effect} rule ${added.id} to ${scope}`, added.doc);
  focusPolicy({ kind: 'rule', id: added.id });
  return added.id;
}

export function setRuleEffect(id: string, effect: Effect): void {
  apply(`Set rule ${id} to ${effect}`, (doc) => updateRule(doc, id, { effect }));
}

export function setRuleMatch(id: string, match: string): void {
  apply(`Edit the matcher of rule ${id}`, (doc) => updateRule(doc, id, { match }), `policy-rule:${id}:match`);
}

export function removeRule(id: string): void {
  const { policyFocus, focusPolicy } = useStudio.getState();
  apply(`Delete rule ${id}`, (doc) => deleteRule(doc, id));
  if (policyFocus?.target.kind === 'rule' && policyFocus.target.id === id) focusPolicy(null);
}
