/**
 * Labelled form fields for the inspector. Each shows the spec issues for its field beneath
 * it. Text fields write through on every keystroke (merged into one undo entry); number
 * fields keep the typed text locally until it is a number.
 */
import { useEffect, useId, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { SpecIssue } from '../../../kernel';
import { issueText } from '../issueIndex';

/** Issues shown in place. `showPath` prefixes each with its (entity-relative) path, for fields holding structures. */
export function IssueList({ issues, id, showPath }: { issues: readonly SpecIssue[]; id?: string; showPath?: boolean }) {
  if (issues.length === 0) return null;
  return (
    <ul className="hs-issues" id={id} data-testid="field-issues">
      {issues.map((issue, i) => (
        <li key={i} className="hs-issues__item">
          {showPath && issue.path && <span className="hs-issues__path">{issue.path}</span>}
          {issueText(issue)}
        </li>
      ))}
    </ul>
  );
}

interface FieldShellProps {
  label: string;
  id: string;
  issues?: readonly SpecIssue[];
  hint?: string;
  children: ReactNode;
  wide?: boolean;
}

function FieldShell({ label, id, issues = [], hint, children, wide }: FieldShellProps) {
  return (
    <div className={`hs-field${wide ? ' hs-field--wide' : ''}${issues.length > 0 ? ' has-issues' : ''}`}>
      <label className="hs-field__label" htmlFor={id}>
        {label}
        {hint && <span className="hs-field__hint">{hint}</span>}
      </label>
      {children}
      <IssueList issues={issues} id={`${id}-issues`} />
    </div>
  );
}

interface TextFieldProps {
  label: string;
  value: unknown;
  onChange(value: string): void;
  issues?: readonly SpecIssue[];
  placeholder?: string;
  multiline?: boolean;
  testId?: string;
  hint?: string;
  wide?: boolean;
}

export function TextField({ label, value, onChange, issues = [], placeholder, multiline, testId, hint, wide }: TextFieldProps) {
  const id = useId();
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  const common = {
    id,
    value: text,
    placeholder,
    'aria-invalid': issues.length > 0 || undefined,
    'aria-describedby': issues.length > 0 ? `${id}-issues` : undefined,
    'data-testid': testId,
    className: 'hs-input',
  };
  return (
    <FieldShell label={label} id={id} issues={issues} hint={hint} wide={wide || multiline}>
      {multiline ? (
        <textarea {...common} rows={3} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...common} type="text" spellCheck={false} onChange={(e) => onChange(e.target.value)} />
      )}
    </FieldShell>
  );
}

interface NumberFieldProps {
  label: string;
  value: unknown;
  /** `undefined` when the field is cleared: the schema default applies. */
  onChange(value: number | undefined): void;
  issues?: readonly SpecIssue[];
  min?: number;
  max?: number;
  step?: number;
  placeholder?: string;
  testId?: string;
  hint?: string;
}

export function NumberField({ label, value, onChange, issues = [], min, max, step, placeholder, testId, hint }: NumberFieldProps) {
  const id = useId();
  const shown = typeof value === 'number' ? String(value) : value === undefined ? '' : JSON.stringify(value);
  const [text, setText] = useState(shown);
  useEffect(() => {
    // Follow outside changes (undo, JSON edits) unless the typed text already means the same number.
    setText((t) => (t.trim() !== '' && Number(t) === value ? t : shown));
  }, [shown, value]);
  const commit = (t: string): void => {
    setText(t);
    if (t.trim() === '') onChange(undefined);
    else if (Number.isFinite(Number(t))) onChange(Number(t));
  };
  return (
    <FieldShell label={label} id={id} issues={issues} hint={hint}>
      <input
        id={id}
        className="hs-input hs-input--number"
        type="number"
        inputMode="decimal"
        value={text}
        min={min}
        max={max}
        step={step ?? 'any'}
        placeholder={placeholder}
        aria-invalid={issues.length > 0 || undefined}
        aria-describedby={issues.length > 0 ? `${id}-issues` : undefined}
        data-testid={testId}
        onChange={(e) => commit(e.target.value)}
      />
    </FieldShell>
  );
}

export interface Option {
  value: string;
  label?: string;
}

interface SelectFieldProps {
  label: string;
  value: unknown;
  options: readonly (string | Option)[];
  onChange(value: string | undefined): void;
  issues?: readonly SpecIssue[];
  /** Adds an empty choice, which clears the field. */
  empty?: string;
  testId?: string;
  hint?: string;
}

export function SelectField({ label, value, options, onChange, issues = [], empty, testId, hint }: SelectFieldProps) {
  const id = useId();
  const opts = options.map((o) => (typeof o === 'string' ? { value: o } : o));
  const current = typeof value === 'string' ? value : '';
  // A value the options do not know (a dangling reference) stays visible rather than silently changing.
  const unknown = current !== '' && !opts.some((o) => o.value === current);
  return (
    <FieldShell label={label} id={id} issues={issues} hint={hint}>
      <select
        id={id}
        className="hs-input hs-select"
        value={current}
        aria-invalid={issues.length > 0 || undefined}
        data-testid={testId}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      >
        {(empty !== undefined || current === '') && <option value="">{empty ?? '—'}</option>}
        {unknown && <option value={current}>{current} (missing)</option>}
        {opts.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label ?? o.value}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function CheckField({ label, value, onChange, testId }: { label: string; value: unknown; onChange(v: boolean): void; testId?: string }) {
  const id = useId();
  return (
    <div className="hs-field hs-field--check">
      <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} data-testid={testId} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

/**
 * An id: committed on Enter or blur, not per keystroke, because a rename rewrites every
 * reference and a half-typed id could collide with another. Escape restores the old id.
 */
export function IdField({ value, onCommit, testId }: { value: string; onCommit(next: string): string | null; testId?: string }) {
  const id = useId();
  const [text, setText] = useState(value);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(value);
    setError(null);
  }, [value]);
  const commit = (): void => {
    if (text === value) return setError(null);
    setError(onCommit(text.trim()));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') commit();
    if (e.key === 'Escape') {
      setText(value);
      setError(null);
    }
  };
  return (
    <div className={`hs-field${error ? ' has-issues' : ''}`}>
      <label className="hs-field__label" htmlFor={id}>
        Id<span className="hs-field__hint">Enter to rename everywhere</span>
      </label>
      <input
        id={id}
        className="hs-input hs-input--mono"
        value={text}
        spellCheck={false}
        aria-invalid={error !== null || undefined}
        data-testid={testId}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={onKeyDown}
      />
      {error && <ul className="hs-issues"><li className="hs-issues__item">{error}</li></ul>}
    </div>
  );
}

export function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="hs-isection">
      <header className="hs-isection__head">
        <h3 className="hs-section-title">{title}</h3>
        {actions}
      </header>
      <div className="hs-isection__body">{children}</div>
    </section>
  );
}
