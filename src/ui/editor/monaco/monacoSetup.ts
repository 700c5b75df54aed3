/**
 * Monaco, bundled locally (no CDN). Its web workers come from Vite `?worker` imports; the
 * package maps `monaco-editor/*` to `esm/vs/*`. Only the core and JSON workers are shipped —
 * other languages fall back to the core worker. Imported only by the lazily loaded editor.
 */
import * as monaco from 'monaco-editor';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/language/json/json.worker?worker';

self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    return label === 'json' ? new JsonWorker() : new EditorWorker();
  },
};

monaco.editor.defineTheme('harness-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [],
  colors: {
    'editor.background': '#12151b',
    'editor.lineHighlightBackground': '#1a1e26',
    'editorGutter.background': '#12151b',
    'editorLineNumber.foreground': '#4a5160',
    'editorWidget.background': '#1b1f27',
    'focusBorder': '#4c8dff',
  },
});

export { monaco };
