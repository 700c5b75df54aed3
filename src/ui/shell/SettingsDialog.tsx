/**
 * Settings: the model endpoints this browser can run agents on, and the local models (GGUF
 * files run in this browser, LocalModelsSection). Keys are typed here, sent to the
 * worker once and stored there; the UI only ever gets endpoints back without them (`hasKey`).
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { studio } from '../../bridge/client';
import type { EndpointInput, EndpointSummary, EndpointTest } from '../../bridge/api';
import { useStudio } from '../../store';
import { LocalModelsSection } from './LocalModelsSection';
import { OtelCollectorSection } from './OtelCollectorSection';
import { ConfirmDelete } from '../shared/ConfirmDelete';
import { useModalDialog } from '../shared/useModalDialog';

const KIND_LABEL: Record<EndpointSummary['kind'], string> = {
  openai: 'OpenAI-compatible (OpenAI, Ollama, vLLM, llama.cpp server, LM Studio, OpenRouter)',
  anthropic: 'Anthropic',
};
const URL_HINT: Record<EndpointSummary['kind'], string> = {
  openai: 'The API root holding /chat/completions, e.g. http://127.0.0.1:11434/v1 (Ollama) or https://api.openai.com/v1',
  anthropic: 'The origin, e.g. https://api.anthropic.com',
};

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Reloads the endpoint list into the store (the document status and model fields read it). */
export async function refreshEndpoints(): Promise<EndpointSummary[]> {
  const list = await studio().listEndpoints();
  useStudio.getState().setEndpoints(list);
  return list;
}

interface Draft {
  id?: string;
  name: string;
  kind: EndpointSummary['kind'];
  baseUrl: string;
  apiKey: string;
  hasKey: boolean;
}
const BLANK: Draft = { name: '', kind: 'openai', baseUrl: '', apiKey: '', hasKey: false };

function EndpointForm({ draft, onSaved, onCancel }: { draft: Draft; onSaved(e: EndpointSummary): void; onCancel(): void }) {
  const [d, setD] = useState(draft);
  const [error, setError] = useState<string | null>(null);
  const [clearKey, setClearKey] = useState(false);
  const submit = async (ev: FormEvent): Promise<void> => {
    ev.preventDefault();
    const input: EndpointInput = { name: d.name, kind: d.kind, baseUrl: d.baseUrl, ...(d.id ? { id: d.id } : {}) };
    // An empty key field on an edit keeps the stored key; "Remove the key" clears it.
    if (d.apiKey !== '') input.apiKey = d.apiKey;
    else if (clearKey || !d.id) input.apiKey = '';
    try {
      onSaved(await studio().saveEndpoint(input));
    } catch (err) {
      setError(message(err));
    }
  };
  return (
    <form className="hs-settings__form" onSubmit={(e) => void submit(e)} data-testid="endpoint-form" aria-label={d.id ? `Edit ${draft.name}` : 'New endpoint'}>
      <label className="hs-field">
        <span className="hs-field__label">Name</span>
        <input className="hs-input" value={d.name} autoFocus onChange={(e) => setD({ ...d, name: e.target.value })} data-testid="endpoint-name" />
      </label>
      <label className="hs-field">
        <span className="hs-field__label">Kind</span>
        <select className="hs-input" value={d.kind} onChange={(e) => setD({ ...d, kind: e.target.value as Draft['kind'] })} data-testid="endpoint-kind">
          {(Object.keys(KIND_LABEL) as Array<Draft['kind']>).map((k) => (
            <option key={k} value={k}>
              {KIND_LABEL[k]}
            </option>
          ))}
        </select>
      </label>
      <label className="hs-field">
        <span className="hs-field__label">Base URL</span>
        <input className="hs-input hs-input--mono" value={d.baseUrl} placeholder={d.kind === 'openai' ? 'http://127.0.0.1:11434/v1' : 'https://api.anthropic.com'} onChange={(e) => setD({ ...d, baseUrl: e.target.value })} spellCheck={false} data-testid="endpoint-url" />
        <span className="hs-field__hint">{URL_HINT[d.kind]}</span>
      </label>
      <label className="hs-field">
        <span className="hs-field__label">API key</span>
        <input
          className="hs-input hs-input--mono"
          type="password"
          autoComplete="off"
          value={d.apiKey}
          placeholder={d.hasKey ? 'A key is stored: leave empty to keep it' : 'None (Ollama, llama.cpp and LM Studio need none)'}
          onChange={(e) => setD({ ...d, apiKey: e.target.value })}
          data-testid="endpoint-key"
        />
        <span className="hs-field__hint">Stored in this browser only, read only by the studio’s worker; never in a document, export, trace or URL.</span>
      </label>
      {d.id && d.hasKey && (
        <label className="hs-field hs-field--check">
          <input type="checkbox" checked={clearKey} onChange={(e) => setClearKey(e.target.checked)} />
          Remove the stored key
        </label>
      )}
      {error && (
        <div className="hs-banner hs-banner--error" role="alert" data-testid="endpoint-error">
          {error}
        </div>
      )}
      <div className="hs-settings__buttons">
        <button type="submit" className="hs-btn hs-btn--primary" data-testid="endpoint-save">
          Save
        </button>
        <button type="button" className="hs-btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function TestResult({ result }: { result: EndpointTest | 'testing' }) {
  if (result === 'testing') return <p className="hs-muted" role="status">Testing…</p>;
  if (result.ok)
    return (
      <div role="status" data-testid="endpoint-test-result" data-ok="true">
        {result.models.length === 0 ? 'Reached: it lists no models.' : `${result.models.length} model${result.models.length === 1 ? '' : 's'}:`}
        <ul className="hs-settings__models" data-testid="endpoint-models">
          {result.models.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      </div>
    );
  return (
    <div className="hs-banner hs-banner--error" role="alert" data-testid="endpoint-test-result" data-ok="false" data-kind={result.kind}>
      {result.message} {result.fix}
    </div>
  );
}

function EndpointRowView({ e, onEdit, onDeleted }: { e: EndpointSummary; onEdit(): void; onDeleted(): void }) {
  const [test, setTest] = useState<EndpointTest | 'testing' | null>(null);
  const run = async (): Promise<void> => {
    setTest('testing');
    try {
      setTest(await studio().testEndpoint(e.id));
    } catch (err) {
      setTest({ ok: false, kind: 'unknown', message: message(err), fix: '' });
    }
  };
  return (
    <li className="hs-settings__row" data-testid="endpoint-row" data-endpoint={e.name}>
      <div className="hs-settings__line">
        <span className="hs-settings__name">{e.name}</span>
        <span className="hs-chip">{e.kind === 'openai' ? 'OpenAI-compatible' : 'Anthropic'}</span>
        <span className="hs-settings__url">{e.baseUrl}</span>
        <span className="hs-muted">{e.hasKey ? 'key stored' : 'no key'}</span>
        <span className="hs-topbar__spacer" />
        <button type="button" className="hs-btn hs-btn--small" onClick={() => void run()} data-testid="endpoint-test">
          Test
        </button>
        <button type="button" className="hs-btn hs-btn--small hs-btn--ghost" onClick={onEdit} data-testid="endpoint-edit">
          Edit
        </button>
        <ConfirmDelete name={e.name} onDelete={async () => { await studio().deleteEndpoint(e.id); onDeleted(); }} testId="endpoint-delete" />
      </div>
      {test && <TestResult result={test} />}
    </li>
  );
}

/** The Settings dialog: add, edit, test and delete model endpoints. */
export function SettingsDialog({ onClose }: { onClose(): void }) {
  const endpoints = useStudio((s) => s.endpoints);
  const [editing, setEditing] = useState<Draft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const dialog = useModalDialog(onClose);
  const refresh = useCallback(() => {
    refreshEndpoints().catch((err: unknown) => setError(message(err)));
  }, []);
  useEffect(refresh, [refresh]);

  return (
    <div className="hs-modal" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={dialog} className="hs-dialog" role="dialog" aria-modal="true" aria-labelledby="settings-title" tabIndex={-1} data-testid="settings-dialog">
        <header className="hs-dialog__head">
          <h2 id="settings-title">Settings · Model endpoints and local models</h2>
          <span className="hs-topbar__spacer" />
          {!editing && (
            <button type="button" className="hs-btn hs-btn--primary" onClick={() => setEditing(BLANK)} data-testid="endpoint-add">
              Add endpoint
            </button>
          )}
          <button type="button" className="hs-btn hs-btn--icon hs-btn--ghost" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        <div className="hs-settings">
          {error && <div className="hs-banner hs-banner--error">{error}</div>}
          {editing && (
            <EndpointForm
              key={editing.id ?? 'new'}
              draft={editing}
              onCancel={() => setEditing(null)}
              onSaved={() => {
                setEditing(null);
                refresh();
              }}
            />
          )}
          {endpoints.length === 0 && !editing ? (
            <p className="hs-muted">No endpoints yet. Add one to run agents on a real model; sim agents need none.</p>
          ) : (
            <ul className="hs-settings__list">
              {endpoints.map((e) => (
                <EndpointRowView
                  key={e.id}
                  e={e}
                  onEdit={() => setEditing({ id: e.id, name: e.name, kind: e.kind, baseUrl: e.baseUrl, apiKey: '', hasKey: e.hasKey })}
                  onDeleted={() => {
                    refresh();
                    dialog.current?.focus();
                  }}
                />
              ))}
            </ul>
          )}
          <LocalModelsSection />
          <OtelCollectorSection />
        </div>
      </div>
    </div>
  );
}
