/**
 * Monaco, bundled locally (no CDN). Its web workers come from Vite `?worker` imports; the
 * package maps `monaco-editor/*` to `esm/vs/*`. Only the core and JSON workers are shipped —
 * other languages fall back to the core worker. Imported only by the lazily loaded editor.
 */
import * as monaco from 'monaco-editor';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/language/json/json.worker?worker';
import { harnessJsonSchema } from '../../../kernel';

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

/** JSON schemas for the JSON editors, chosen by the file name at the end of a model's URI. */
export type SchemaName = 'document' | 'agent' | 'tool' | 'model' | 'store' | 'channel' | 'group' | 'remoteAgent' | 'behaviour';

function registerSchemas(): void {
  const root = harnessJsonSchema();
  const props = (root.properties ?? {}) as Record<string, { items?: Record<string, unknown> }>;
  const defs = root.$defs;
  const item = (key: string): Record<string, unknown> => ({ ...(props[key]?.items ?? {}), $defs: defs });
  const agentProps = (props.agents?.items?.properties ?? {}) as Record<string, Record<string, unknown>>;
  const schemas: Record<SchemaName, Record<string, unknown>> = {
    document: root,
    agent: item('agents'),
    tool: item('tools'),
    model: item('models'),
    store: item('stores'),
    channel: item('channels'),
    group: item('groups'),
    remoteAgent: item('remoteAgents'),
    behaviour: { ...(agentProps.behaviour ?? {}), $defs: defs },
  };
  monaco.json.jsonDefaults.setDiagnosticsOptions({
    validate: true,
    allowComments: false,
    enableSchemaRequest: false,
    schemas: Object.entries(schemas).map(([name, schema]) => ({
      uri: `https://harness.studio/schema/${name}.json`,
      fileMatch: [`**/${name}.harness-part.json`],
      schema,
    })),
  });
}
registerSchemas();

let modelCount = 0;
/** A fresh model URI whose file name selects the schema for `name`. */
export function modelUri(name: SchemaName): monaco.Uri {
  modelCount += 1;
  return monaco.Uri.parse(`inmemory://harness/${modelCount}/${name}.harness-part.json`);
}

export { monaco };
