/**
 * A Monaco editor for one text value. Loaded with React.lazy (see CodeField) so Monaco stays
 * out of the entry chunk. Outside changes (undo, another field) are applied as edits so the
 * editor keeps its own undo stack and the cursor.
 */
import { useEffect, useRef } from 'react';
import { modelUri, monaco, type SchemaName } from './monacoSetup';

export interface CodeEditorProps {
  value: string;
  onChange(value: string): void;
  language: 'json' | 'markdown' | 'plaintext';
  ariaLabel: string;
  height: number;
  /** Validates and completes JSON against part of the harness schema. */
  schema?: SchemaName;
}

export default function CodeEditor({ value, onChange, language, ariaLabel, height, schema }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const onChangeRef = useRef(onChange);
  const applying = useRef(false);

  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  useEffect(() => {
    const model = monaco.editor.createModel(value, language, schema && language === 'json' ? modelUri(schema) : undefined);
    const editor = monaco.editor.create(host.current!, {
      model,
      theme: 'harness-dark',
      ariaLabel,
      editContext: false,
      automaticLayout: true,
      fontSize: 12,
      lineHeight: 18,
      tabSize: 2,
      minimap: { enabled: false },
      lineNumbers: language === 'json' ? 'on' : 'off',
      lineNumbersMinChars: 3,
      folding: language === 'json',
      glyphMargin: false,
      wordWrap: 'on',
      scrollBeyondLastLine: false,
      renderLineHighlight: 'none',
      overviewRulerLanes: 0,
      hideCursorInOverviewRuler: true,
      fixedOverflowWidgets: true,
      padding: { top: 6, bottom: 6 },
      scrollbar: { alwaysConsumeMouseWheel: false, verticalScrollbarSize: 8, horizontalScrollbarSize: 8 },
    });
    editorRef.current = editor;
    const sub = editor.onDidChangeModelContent(() => {
      if (!applying.current) onChangeRef.current(editor.getValue());
    });
    return () => {
      sub.dispose();
      editor.getModel()?.dispose();
      editor.dispose();
      editorRef.current = null;
    };
    // Created once per mount: value changes are applied below; options are fixed per mount.
  }, []);

  useEffect(() => {
    const editor = editorRef.current;
    const model = editor?.getModel();
    if (!editor || !model || model.getValue() === value) return;
    applying.current = true;
    try {
      model.pushEditOperations([], [{ range: model.getFullModelRange(), text: value }], () => null);
    } finally {
      applying.current = false;
    }
  }, [value]);

  return <div ref={host} className="hs-code" style={{ height }} data-language={language} />;
}
