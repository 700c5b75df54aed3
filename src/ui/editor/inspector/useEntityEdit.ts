import { useMemo } from 'react';
import type { SpecIssue } from '../../../kernel';
import { useStudio } from '../../../store';
import { COLLECTION, type EntityRef } from '../docModel';
import { setIn, type PathKey } from '../docOps';
import { entityIssues, fieldIssues } from '../issueIndex';

/** What a form needs to edit one entity: its value, a setter per field, and issues per field. */
export interface EntityEdit {
  entity: EntityRef;
  /** Issues of this entity, paths relative to it. */
  issues: SpecIssue[];
  at(field: string): SpecIssue[];
  /** Sets a field (undefined removes it) as an undoable change; typing in one field merges into one entry. */
  set(path: readonly PathKey[], value: unknown, label: string): void;
}

export function useEntityEdit(entity: EntityRef): EntityEdit {
  const parseIssues = useStudio((s) => s.issues);
  // Why the document cannot run here shows at its field too (e.g. a model's provider).
  const runIssues = useStudio((s) => s.runIssues);
  return useMemo(() => {
    const issues = entityIssues([...parseIssues, ...runIssues], entity.kind, entity.index);
    return {
      entity,
      issues,
      at: (field) => fieldIssues(issues, field),
      set: (path, value, label) => {
        const { doc, change } = useStudio.getState();
        const full = [COLLECTION[entity.kind], entity.index, ...path];
        change(label, setIn(doc, full, value), { key: `${entity.kind}:${entity.index}:${path.join('.')}` });
      },
    };
  }, [parseIssues, runIssues, entity]);
}
