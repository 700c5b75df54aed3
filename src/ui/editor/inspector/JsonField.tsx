/**
 * Edits a value as JSON text in Monaco. Valid JSON is committed to the document at once (schema
 * problems then show as issues); invalid JSON stays in the editor with the syntax error shown
 * beneath and is kept as a draft, so leaving the field and coming back does not lose it.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { parseJsonText, type SpecIssue } from '../../../kernel';
import { CodeField } from '../CodeField';
import type { SchemaName } from '../monaco/monacoSetup';
import { IssueList } from './fields';

/** Unsaved JSON text per field, while it does not parse. Keyed by project and field. */
const drafts = new Map<string, { text: string; base: unknown }>();

function pretty(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}

interface JsonFieldProps {
  label: string;
  value: unknown;
  /** Stores the parsed value; returns an error to show instead (and keeps the text). */
  onCommit(value: unknown): string | null;
  /** Schema issues for this value, paths relative to it. */
  issues?: readonly SpecIssue[];
  /** Turns the value into text; defaults to pretty JSON. */
  textOf?(value: unknown): string;
  draftKey: string;
  schema?: SchemaName;
  height?: number;
  testId?: string;
  hint?: string;
}

export function JsonField({ label, value, onCommit, issues = [], textOf = pretty, draftKey, schema, height = 180, testId, hint }: JsonFieldProps) {
  const committed = useRef(value);
  const [text, setText] = useState(() => {
    const draft = drafts.get(draftKey);
    return draft && draft.base === value ? draft.text : textOf(value);
  });
  const [error, setError] = useState<string | null>(() => (drafts.get(draftKey)?.base === value ? 'Not applied: the JSON does not parse yet.' : null));

  useEffect(() => {
    if (value === committed.current) return;
    // The value changed outside this editor (undo, a form field): show it.
    committed.current = value;
    drafts.delete(draftKey);
    setText(textOf(value));
    setError(null);
  }, [value, draftKey, textOf]);

  const onChange = useCallback(
    (next: string) => {
      setText(next);
      const parsed = parseJsonText(next);
      if (!parsed.ok) {
        drafts.set(draftKey, { text: next, base: committed.current });
        setError(parsed.issues[0]?.message ?? 'not valid JSON');
        return;
      }
      drafts.delete(draftKey);
      if (JSON.stringify(parsed.value) === JSON.stringify(committed.current)) return setError(null);
      const problem = onCommit(parsed.value);
      if (problem === null) committed.current = parsed.value;
      setError(problem);
    },
    [draftKey, onCommit],
  );

  return (
    <div className="hs-json-field">
      <CodeField label={label} hint={hint} value={text} onChange={onChange} language="json" schema={schema} ariaLabel={label} height={height} testId={testId} />
      {error && (
        <div className="hs-issues hs-issues--error" role="status" data-testid={testId ? `${testId}-error` : undefined}>
          {error}
        </div>
      )}
      <IssueList issues={issues} showPath />
    </div>
  );
}
