/**
 * What the palette's MCP and Remote agents sections share: a URL typed into a small form, looked
 * up by the worker (connect to a server, read a card), each URL's last result kept, and a failed
 * lookup shown as its error (text, never HTML). One home for the form's busy and error handling.
 */
import { useState, type FormEvent } from 'react';
import { AuthHeaderForm } from './AuthHeaderForm';

/** A failed lookup, as the worker reports it (CORS, unreachable, auth, not a card, …). */
export interface LookupFailure {
  ok: false;
  url: string;
  kind: string;
  error: string;
  auth: boolean;
}

/** The lookups of one palette section: which URL is in flight and each URL's last result. */
export function useUrlLookup<R extends { ok: boolean; auth: boolean }>(look: (url: string) => Promise<R>, found?: (r: R, url: string) => void) {
  const [busy, setBusy] = useState<string | null>(null);
  const [results, setResults] = useState<Record<string, R | LookupFailure>>({});
  const run = async (target: string): Promise<void> => {
    setBusy(target);
    try {
      const r = await look(target);
      const seenAt = r.ok && 'url' in r && typeof r.url === 'string' && r.url !== target ? { [r.url]: r } : {};
      setResults((f) => ({ ...f, [target]: r, ...seenAt }));
      if (r.ok) found?.(r, target);
    } catch (err) {
      setResults((f) => ({ ...f, [target]: { ok: false, url: target, kind: 'protocol', error: err instanceof Error ? err.message : String(err), auth: false } }));
    } finally {
      setBusy(null);
    }
  };
  return { busy, results, run };
}

/** The URL form: a field and a submit button that reads `busyLabel` while its URL is looked up. */
export function UrlLookupForm(props: {
  value: string;
  onChange: (url: string) => void;
  onSubmit: (url: string) => void;
  placeholder: string;
  label: string;
  testId: string;
  submitTestId: string;
  disabled: boolean;
  busy: string | null;
  idleLabel: string;
  busyLabel: string;
}) {
  const { value, busy } = props;
  const target = value.trim();
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (target !== '') props.onSubmit(target);
  };
  return (
    <form onSubmit={submit} className="hs-mcp__form">
      <input
        type="url" value={value} placeholder={props.placeholder} aria-label={props.label} data-testid={props.testId}
        onChange={(e) => props.onChange(e.target.value)} disabled={props.disabled}
      />
      <button type="submit" disabled={props.disabled || busy !== null || target === ''} data-testid={props.submitTestId}>
        {busy === target ? props.busyLabel : props.idleLabel}
      </button>
    </form>
  );
}

/** A failed lookup's error, as text. */
export function LookupError({ result, testId }: { result: LookupFailure; testId: string }) {
  return (
    <p className="hs-mcp__error" role="alert" data-testid={testId} data-kind={result.kind}>
      {result.error}
    </p>
  );
}

/** The Auth button's form for `url`: the header is kept in this browser's settings by `save`, never in the document. */
export function UrlAuthForm({ url, save, onSaved }: { url: string; save: (url: string, header: string, value: string | null) => Promise<void>; onSaved: () => void }) {
  return <AuthHeaderForm save={(header, value) => save(url, header, value)} onSaved={onSaved} />;
}
