import { lazy, Suspense } from 'react';
import type { CodeEditorProps } from './monaco/CodeEditor';

const CodeEditor = lazy(() => import('./monaco/CodeEditor'));

/** A labelled Monaco field; shows a plain placeholder while Monaco loads. */
export function CodeField(props: CodeEditorProps & { label: string; testId?: string; hint?: string }) {
  const { label, testId, hint, ...editor } = props;
  return (
    <div className="hs-field hs-field--code" data-testid={testId}>
      <div className="hs-field__label" id={testId ? `${testId}-label` : undefined}>
        {label}
        {hint && <span className="hs-field__hint">{hint}</span>}
      </div>
      <Suspense fallback={<div className="hs-code hs-code--loading" style={{ height: editor.height }}>Loading editor…</div>}>
        <CodeEditor {...editor} />
      </Suspense>
    </div>
  );
}
