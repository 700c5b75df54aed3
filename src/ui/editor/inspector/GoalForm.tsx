/**
 * The harness's goals in the inspector (goals are not drawn on the canvas, so they live with the
 * other document-wide settings): add and remove goals; edit each one's id, name, scope and
 * condition, structured or as JSON. Every edit goes through docOps as one undoable change.
 */
import { useState } from 'react';
import type { SpecIssue } from '../../../kernel';
import { useStudio } from '../../../store';
import { allIds, asDoc, entities, ID_PATTERN, isRecord, str } from '../docModel';
import { addGoal, deleteGoal, setIn } from '../docOps';
import { unclaimedIssues } from '../issueIndex';
import { CheckField, IdField, IssueList, Section, SelectField, TextField } from './fields';
import { relativeIssues } from './goalDraft';
import { JsonField } from './JsonField';
import { PredicateEditor, type GoalSetter, type PredicateChoices } from './PredicateEditor';
import './goalForms.css';

/** Goal fields the form places; anything else is listed under the goal. */
const GOAL_FIELDS = ['id', 'name', 'scope', 'when', 'stop'];

export function GoalsSection() {
  const doc = useStudio((s) => s.doc);
  const issues = useStudio((s) => s.issues);
  const raw = asDoc(doc).goals;
  const goals = Array.isArray(raw) ? (raw as unknown[]) : [];
  const agents = entities(doc, 'agent');
  const choices: PredicateChoices = {
    agents: agents.map((a) => ({ value: a.id, label: `${str(a.value.name, a.id)} (${a.id})` })),
    models: entities(doc, 'model').map((m) => ({ value: m.id, label: `${str(m.value.name, m.id)} (${m.id}, ${str(m.value.provider, 'sim')})` })),
    groups: entities(doc, 'group').map((g) => ({ value: g.id, label: `${str(g.value.name, g.id)} (${g.id})` })),
    fallbackAgent: agents.at(-1)?.id ?? '',
  };

  const onAdd = (): void => {
    const { doc: current, change } = useStudio.getState();
    const added = addGoal(current);
    change(`Add goal ${added.id}`, added.doc);
  };

  return (
    <Section
      title="Goals"
      actions={
        <button type="button" className="hs-btn hs-btn--small" onClick={onAdd} data-testid="add-goal">
          + Goal
        </button>
      }
    >
      {goals.length === 0 && <p className="hs-muted">None. Without goals a run stops when every agent has finished, or at a limit.</p>}
      <ul className="hs-goal-list" data-testid="document-goals">
        {goals.map((goal, i) => (
          <GoalForm key={`${i}:${isRecord(goal) ? str(goal.id) : ''}`} index={i} goal={goal} issues={relativeIssues(issues, `goals[${i}]`)} choices={choices} />
        ))}
      </ul>
      <IssueList showPath issues={issues.filter((i) => i.path === 'goals')} />
    </Section>
  );
}

interface GoalFormProps {
  index: number;
  goal: unknown;
  /** This goal's issues, paths relative to it. */
  issues: readonly SpecIssue[];
  choices: PredicateChoices;
}

function GoalForm({ index, goal, issues, choices }: GoalFormProps) {
  const projectId = useStudio((s) => s.projectId);
  const g = isRecord(goal) ? goal : {};
  const id = str(g.id);
  const at = (field: string): SpecIssue[] => relativeIssues(issues, field);

  const set: GoalSetter = (path, value, label) => {
    const { doc, change } = useStudio.getState();
    change(label, setIn(doc, ['goals', index, ...path], value), { key: `goal:${index}:${path.join('.')}` });
  };

  const onRename = (next: string): string | null => {
    if (!ID_PATTERN.test(next)) return 'An id starts with a letter and holds letters, digits, _ . - (at most 64).';
    const { doc, change } = useStudio.getState();
    if (next !== id && allIds(doc).has(next)) return `"${next}" is already used.`;
    change(`Rename goal ${id || index + 1} → ${next}`, setIn(doc, ['goals', index, 'id'], next));
    return null;
  };

  const onDelete = (): void => {
    const { doc, change } = useStudio.getState();
    change(`Delete goal ${id || index + 1}`, deleteGoal(doc, index));
  };

  const scopes = [{ value: 'harness', label: 'the harness' }, ...choices.agents];

  return (
    <li className="hs-goal" data-testid={`goal-form-${index}`}>
      <header className="hs-goal__head">
        <span className="hs-goal__name">{str(g.name, id || `Goal ${index + 1}`)}</span>
        <button type="button" className="hs-btn hs-btn--icon" aria-label={`Delete goal ${id}`} title="Delete goal" onClick={onDelete} data-testid={`remove-goal-${index}`}>
          ×
        </button>
      </header>
      <div className="hs-grid2">
        <IdField value={id} onCommit={onRename} testId={`goal-id-${index}`} />
        <SelectField label="Scope" value={str(g.scope, 'harness')} options={scopes} onChange={(v) => set(['scope'], v ?? 'harness', 'Set goal scope')} issues={at('scope')} testId={`goal-scope-${index}`} />
      </div>
      <TextField label="Name" value={g.name} onChange={(v) => set(['name'], v, 'Rename goal')} issues={at('name')} testId={`goal-name-${index}`} />
      <div className="hs-field__label">Met when</div>
      <PredicateEditor value={g.when} at={['when']} issues={at('when')} set={set} choices={choices} />
      <CheckField label="Stop the run when met (semantic termination)" value={g.stop === true} onChange={(on) => set(['stop'], on ? true : undefined, on ? 'Make the goal stop the run' : 'Let the run go on after the goal')} testId={`goal-stop-${index}`} />
      <ConditionJson index={index} value={g.when} set={set} draftKey={`${projectId}:goal:${index}:when`} />
      <IssueList showPath issues={unclaimedIssues(issues, GOAL_FIELDS)} />
    </li>
  );
}

/**
 * The condition as JSON, the fallback for what the structured editor does not cover. Mounted
 * only while open (Monaco is heavy); its issues already show in the structured editor above.
 */
function ConditionJson({ index, value, set, draftKey }: { index: number; value: unknown; set: GoalSetter; draftKey: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="hs-goal__json" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary data-testid={`goal-json-toggle-${index}`}>Condition as JSON</summary>
      {open && (
        <JsonField
          label="Condition"
          hint="kind: artifact, finished, message, fact, budget, similar, judge, all, any"
          value={value}
          onCommit={(v) => (isRecord(v) ? (set(['when'], v, 'Edit goal condition as JSON'), null) : 'Not applied: a condition must be a JSON object with a "kind".')}
          draftKey={draftKey}
          height={160}
          testId={`goal-json-${index}`}
        />
      )}
    </details>
  );
}
