/**
 * A structured editor for a goal's condition (spec `Predicate`): a kind picker and the fields
 * that kind reads; `all` / `any` list their parts, each its own editor, nested as deep as the
 * document goes. Every edit is one labelled undo entry; issues show beside the field they are about.
 */
import { useEffect, useId, useState } from 'react';
import type { SpecIssue } from '../../../kernel';
import { isRecord, str } from '../docModel';
import type { PathKey } from '../docOps';
import { fieldIssues, unclaimedIssues } from '../issueIndex';
import { CheckField, IssueList, NumberField, SelectField, TextField, type Option } from './fields';
import { fieldsText, parseFieldLines, predicateOfKind, PREDICATE_KINDS, relativeIssues, type PredicateKind } from './goalDraft';

/** Sets a value at `path` relative to the goal (undefined removes it) as one undoable change. */
export type GoalSetter = (path: readonly PathKey[], value: unknown, label: string) => void;

export interface PredicateChoices {
  agents: readonly Option[];
  /** The document's models: a judge names the one that judges. */
  models: readonly Option[];
  groups: readonly Option[];
  /** Fills `finished` and `fact` when a kind change has no agent to carry over. */
  fallbackAgent: string;
}

interface PredicateEditorProps {
  value: unknown;
  /** Where the condition is, relative to its goal: `['when']`, `['when', 'of', 1]`, … */
  at: readonly PathKey[];
  /** Issues of this condition, paths relative to it (`name`, `of[1].agent`). */
  issues: readonly SpecIssue[];
  set: GoalSetter;
  choices: PredicateChoices;
  /** Present for a part of an `all` / `any`: removes it from its parent. */
  onRemove?(): void;
}

/** Fields each leaf kind places; issues elsewhere are listed under the editor. */
const PLACED: Readonly<Record<string, readonly string[]>> = {
  artifact: ['kind', 'name', 'contains', 'fields'],
  finished: ['kind', 'agent'],
  message: ['kind', 'from', 'to', 'contains', 'tag'],
  fact: ['kind', 'fact', 'in'],
  budget: ['kind', 'group', 'tokensLeft', 'costLeft'],
  similar: ['kind', 'artifact', 'agent', 'reference', 'threshold', 'measure'],
  judge: ['kind', 'artifact', 'agent', 'rubric', 'model', 'fallback'],
};

export function PredicateEditor({ value, at, issues, set, choices, onRemove }: PredicateEditorProps) {
  const p = isRecord(value) ? value : {};
  const kind = str(p.kind);
  const field = (name: string): SpecIssue[] => fieldIssues(issues, name);
  const put = (name: string, v: unknown, label: string): void => set([...at, name], v, label);
  /** Optional text: empty removes the field. */
  const putText = (name: string, label: string) => (v: string) => put(name, v === '' ? undefined : v, label);
  const suffix = at.filter((k) => typeof k === 'number').map((k) => `-${k}`).join('');
  const combinator = kind === 'all' || kind === 'any';
  const parts = combinator && Array.isArray(p.of) ? (p.of as unknown[]) : [];
  const placed = combinator ? ['kind', ...parts.map((_, i) => `of[${i}]`)] : (PLACED[kind] ?? ['kind']);

  return (
    <div className="hs-pred" data-kind={kind} data-testid={`predicate${suffix}`}>
      <div className="hs-pred__head">
        <select
          className="hs-input hs-select"
          aria-label="Condition kind"
          aria-invalid={field('kind').length > 0 || undefined}
          value={kind}
          data-testid={`predicate-kind${suffix}`}
          onChange={(e) => set(at, predicateOfKind(e.target.value as PredicateKind, value, choices.fallbackAgent), `Make the condition "${e.target.value}"`)}
        >
          {!PREDICATE_KINDS.some((k) => k.value === kind) && <option value={kind}>{kind || '—'}</option>}
          {PREDICATE_KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </select>
        {onRemove && (
          <button type="button" className="hs-btn hs-btn--icon" aria-label="Remove condition" title="Remove this condition" onClick={onRemove} data-testid={`remove-predicate${suffix}`}>
            ×
          </button>
        )}
      </div>
      <IssueList issues={field('kind')} />

      {kind === 'artifact' && (
        <>
          <div className="hs-grid2">
            <TextField label="Artifact" value={p.name} placeholder="report" onChange={(v) => put('name', v, 'Set goal artifact')} issues={field('name')} testId={`predicate-name${suffix}`} />
            <TextField label="Contains" hint="optional" value={p.contains} onChange={putText('contains', 'Set goal artifact text')} issues={field('contains')} />
          </div>
          <FieldLines value={p.fields} onChange={(v) => put('fields', v, 'Set goal artifact fields')} issues={field('fields')} testId={`predicate-fields${suffix}`} />
        </>
      )}
      {kind === 'finished' && (
        <SelectField label="Agent" value={p.agent} options={choices.agents} onChange={(v) => put('agent', v ?? '', 'Set goal agent')} issues={field('agent')} testId={`predicate-agent${suffix}`} />
      )}
      {kind === 'message' && (
        <div className="hs-grid2">
          <SelectField label="From" value={p.from} options={choices.agents} empty="anyone" onChange={(v) => put('from', v, 'Set goal message sender')} issues={field('from')} />
          <SelectField label="To" value={p.to} options={choices.agents} empty="anyone" onChange={(v) => put('to', v, 'Set goal message receiver')} issues={field('to')} />
          <TextField label="Contains" hint="optional" value={p.contains} onChange={putText('contains', 'Set goal message text')} issues={field('contains')} />
          <TextField label="Tag" hint="text starts with tag:" value={p.tag} placeholder="verdict" onChange={putText('tag', 'Set goal message tag')} issues={field('tag')} />
        </div>
      )}
      {kind === 'fact' && (
        <>
          <TextField label="Fact" value={p.fact} placeholder="the budget is $5k" onChange={(v) => put('fact', v, 'Set goal fact')} issues={field('fact')} testId={`predicate-fact${suffix}`} wide />
          <SelectField label="In the context of" value={p.in} options={choices.agents} onChange={(v) => put('in', v ?? '', 'Set goal fact agent')} issues={field('in')} />
        </>
      )}
      {kind === 'budget' && (
        <>
          <SelectField label="Budget of" value={p.group} options={choices.groups} empty="the harness (its limits)" onChange={(v) => put('group', v, 'Set goal budget group')} issues={field('group')} />
          <div className="hs-grid2">
            <NumberField label="Tokens left" hint="at least" value={p.tokensLeft} min={0} step={100} placeholder="any" onChange={(v) => put('tokensLeft', v, 'Set goal tokens left')} issues={field('tokensLeft')} />
            <NumberField label="Cost left" hint="USD, at least" value={p.costLeft} min={0} step={0.01} placeholder="any" onChange={(v) => put('costLeft', v, 'Set goal cost left')} issues={field('costLeft')} />
          </div>
        </>
      )}
      {(kind === 'similar' || kind === 'judge') && <SubjectFields p={p} at={at} set={set} choices={choices} field={field} suffix={suffix} />}
      {kind === 'similar' && (
        <>
          <TextField label="Reference" hint="the text it should resemble" multiline value={p.reference} onChange={(v) => put('reference', v, 'Set goal reference text')} issues={field('reference')} testId={`predicate-reference${suffix}`} wide />
          <div className="hs-grid2">
            <NumberField label="Threshold" hint="met at or above, 0–1" value={p.threshold} min={0} max={1} step={0.05} onChange={(v) => put('threshold', v, 'Set goal similarity threshold')} issues={field('threshold')} testId={`predicate-threshold${suffix}`} />
            <SelectField label="Measure" value={p.measure} options={MEASURES} empty="ROUGE-L (word order counts)" onChange={(v) => put('measure', v, 'Set goal similarity measure')} issues={field('measure')} />
          </div>
        </>
      )}
      {kind === 'judge' && (
        <>
          <TextField label="Rubric" hint="the question the model answers PASS or FAIL" multiline value={p.rubric} placeholder="Does the report answer the user's question?" onChange={(v) => put('rubric', v, 'Set goal rubric')} issues={field('rubric')} testId={`predicate-rubric${suffix}`} wide />
          <SelectField label="Judged by" hint="a real model; the sim CPU cannot judge" value={p.model} options={choices.models} onChange={(v) => put('model', v ?? '', 'Set goal judge model')} issues={field('model')} testId={`predicate-model${suffix}`} />
          <CheckField label="Offline fallback on the sim CPU (labelled: not a model's verdict)" value={isRecord(p.fallback)} testId={`predicate-fallback-toggle${suffix}`} onChange={(on) => put('fallback', on ? { kind: 'similar', ...(p.artifact !== undefined ? { artifact: p.artifact } : { agent: p.agent }), reference: '', threshold: 0.5 } : undefined, on ? 'Add an offline fallback to the judge' : 'Remove the judge\'s offline fallback')} />
          {isRecord(p.fallback) && <PredicateEditor value={p.fallback} at={[...at, 'fallback']} issues={relativeIssues(issues, 'fallback')} set={set} choices={choices} />}
        </>
      )}
      {combinator && (
        <Parts kind={kind} parts={parts} at={at} issues={issues} set={set} choices={choices} suffix={suffix} />
      )}

      <IssueList showPath issues={unclaimedIssues(issues, placed)} />
    </div>
  );
}

const MEASURES: readonly Option[] = [{ value: 'rouge-l', label: 'ROUGE-L (word order counts)' }, { value: 'rouge-1', label: 'ROUGE-1 (shared words)' }];

/** What a semantic condition reads: an artifact by name, or an agent's final answer. */
function SubjectFields({ p, at, set, choices, field, suffix }: { p: Record<string, unknown>; at: readonly PathKey[]; set: GoalSetter; choices: PredicateChoices; field(name: string): SpecIssue[]; suffix: string }) {
  const readsArtifact = p.agent === undefined;
  const base = (p.kind === 'judge' ? { kind: p.kind, rubric: p.rubric, model: p.model, fallback: p.fallback } : { kind: p.kind, reference: p.reference, threshold: p.threshold, measure: p.measure }) as Record<string, unknown>;
  const switchTo = (which: string | undefined): void => {
    const subject = which === 'agent' ? { agent: choices.fallbackAgent } : { artifact: '' };
    set(at, Object.fromEntries(Object.entries({ ...base, ...subject }).filter(([, v]) => v !== undefined)), 'Set what the goal reads');
  };
  return (
    <div className="hs-grid2">
      <SelectField label="Reads" value={readsArtifact ? 'artifact' : 'agent'} options={SUBJECTS} onChange={switchTo} testId={`predicate-subject${suffix}`} />
      {readsArtifact ? (
        <TextField label="Artifact" value={p.artifact} placeholder="report" onChange={(v) => set([...at, 'artifact'], v, 'Set goal artifact')} issues={field('artifact')} testId={`predicate-artifact${suffix}`} />
      ) : (
        <SelectField label="Agent" value={p.agent} options={choices.agents} onChange={(v) => set([...at, 'agent'], v ?? '', 'Set goal agent')} issues={field('agent')} testId={`predicate-agent${suffix}`} />
      )}
    </div>
  );
}

const SUBJECTS: readonly Option[] = [{ value: 'artifact', label: 'an artifact' }, { value: 'agent', label: "an agent's final answer" }];

/** The parts of an `all` / `any`, each removable, and a picker that adds one of a kind. */
function Parts({ kind, parts, at, issues, set, choices, suffix }: { kind: string; parts: unknown[]; at: readonly PathKey[]; issues: readonly SpecIssue[]; set: GoalSetter; choices: PredicateChoices; suffix: string }) {
  const setParts = (next: unknown[], label: string): void => set([...at, 'of'], next, label);
  return (
    <div className="hs-pred__parts">
      {parts.length === 0 && <p className="hs-muted">{kind === 'all' ? 'No parts: holds at once.' : 'No parts: never holds.'}</p>}
      {parts.map((part, i) => (
        <PredicateEditor
          key={i}
          value={part}
          at={[...at, 'of', i]}
          issues={relativeIssues(issues, `of[${i}]`)}
          set={set}
          choices={choices}
          onRemove={() => setParts(parts.filter((_, j) => j !== i), 'Remove goal condition')}
        />
      ))}
      <select
        className="hs-input hs-select hs-pred__add"
        aria-label={`Add a condition to ${kind} of`}
        value=""
        data-testid={`add-predicate${suffix}`}
        onChange={(e) => {
          const next = e.target.value as PredicateKind;
          if (next) setParts([...parts, predicateOfKind(next, undefined, choices.fallbackAgent)], `Add a "${next}" condition`);
        }}
      >
        <option value="">+ Condition…</option>
        {PREDICATE_KINDS.map((k) => (
          <option key={k.value} value={k.value}>
            {k.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * An artifact's wanted fields as `key=value` lines. The typed text stays while it means the
 * stored fields, so a half-typed line is not lost; lines that are not `key=value` are named.
 */
function FieldLines({ value, onChange, issues, testId }: { value: unknown; onChange(fields: Record<string, string> | undefined): void; issues: readonly SpecIssue[]; testId?: string }) {
  const id = useId();
  const shown = fieldsText(value);
  const [text, setText] = useState(shown);
  const stored = JSON.stringify(isRecord(value) ? value : undefined);
  useEffect(() => {
    // Follow outside changes (undo, JSON edits) unless the typed text already means the same fields.
    setText((t) => (JSON.stringify(parseFieldLines(t).fields) === stored ? t : shown));
  }, [shown, stored]);
  const { bad } = parseFieldLines(text);
  const onText = (t: string): void => {
    setText(t);
    const { fields } = parseFieldLines(t);
    if (JSON.stringify(fields) !== stored) onChange(fields);
  };
  return (
    <div className={`hs-field hs-field--wide${issues.length > 0 || bad.length > 0 ? ' has-issues' : ''}`}>
      <label className="hs-field__label" htmlFor={id}>
        Fields<span className="hs-field__hint">key=value, one a line; optional</span>
      </label>
      <textarea id={id} className="hs-input hs-input--mono" rows={2} spellCheck={false} value={text} placeholder="status=approved" data-testid={testId} onChange={(e) => onText(e.target.value)} />
      {bad.length > 0 && (
        <ul className="hs-issues">
          <li className="hs-issues__item">
            Line{bad.length === 1 ? '' : 's'} {bad.join(', ')} {bad.length === 1 ? 'is' : 'are'} not key=value and not applied.
          </li>
        </ul>
      )}
      <IssueList issues={issues} showPath />
    </div>
  );
}
