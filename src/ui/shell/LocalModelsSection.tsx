/**
 * Settings › Local models: pick (or drop) a GGUF file; it is checked and copied into this
 * browser's private file system with visible progress, listed with what its header says, and
 * offered as an endpoint on every real model ("local: NAME").
 */
import { useEffect, useState } from 'react';
import { addLocalModel, formatBytes, refreshLocalModels, removeLocalModel, useLocalModels } from './localModels';
import type { LocalModelSummary } from '../../bridge/api';
import { ConfirmDelete } from '../shared/ConfirmDelete';
import { FileButton } from '../shared/FileButton';

function LocalModelRow({ m }: { m: LocalModelSummary }) {
  return (
    <li className="hs-settings__row" data-testid="local-model-row" data-model={m.name}>
      <div className="hs-settings__line">
        <span className="hs-settings__name">{m.name}</span>
        <span className="hs-chip" data-testid="local-model-arch">{m.architecture ?? 'unreadable'}</span>
        <span className="hs-settings__url">{[m.modelName, formatBytes(m.bytes), m.contextLength ? `context ${m.contextLength}` : null].filter(Boolean).join(' · ')}</span>
        {m.loaded && <span className="hs-muted">loaded</span>}
        <span className="hs-topbar__spacer" />
        <ConfirmDelete name={m.name} onDelete={() => removeLocalModel(m.name)} testId="local-model-delete" />
      </div>
      {m.problem && (
        <div className="hs-banner hs-banner--error" role="alert">
          {m.problem}
        </div>
      )}
    </li>
  );
}

export function LocalModelsSection() {
  const { models, adding, error, status } = useLocalModels();
  const [over, setOver] = useState(false);
  useEffect(() => {
    refreshLocalModels().catch(() => undefined);
  }, []);
  const add = (files: Iterable<File> | ArrayLike<File> | null | undefined): void => {
    for (const f of Array.from(files ?? [])) void addLocalModel(f);
  };
  const pct = adding && adding.total > 0 ? Math.floor((adding.written / adding.total) * 100) : 0;
  return (
    <section className="hs-settings__section" aria-labelledby="local-models-title" data-testid="local-models">
      <h3 id="local-models-title" className="hs-settings__title">
        Local models
      </h3>
      <div
        className={`hs-settings__drop${over ? ' is-over' : ''}`}
        data-testid="local-model-drop"
        onDragOver={(e) => {
          if (!e.dataTransfer.types.includes('Files')) return;
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          // Handled here, not again by the page-wide drop (which would treat it the same way).
          e.preventDefault();
          e.stopPropagation();
          setOver(false);
          add(e.dataTransfer.files);
        }}
      >
        <FileButton accept=".gguf" inputLabel="GGUF model file" testId="local-model-pick" inputTestId="local-model-input" disabled={adding !== null} onFiles={(files) => add(files)}>
          Add a GGUF file…
        </FileButton>
        <span className="hs-muted">
          or drop one here. A GGUF (llama.cpp’s model format) runs in this browser on the local CPU (WebAssembly): no server, no key, no network. It is copied into this browser’s private storage.
        </span>
      </div>
      {adding && (
        <div role="status" data-testid="local-model-progress">
          <progress max={100} value={pct} aria-label={`Copying ${adding.name}`} /> Copying {adding.name}: {pct}% of {formatBytes(adding.total)}
        </div>
      )}
      {error && (
        <div className="hs-banner hs-banner--error" role="alert" data-testid="local-model-error">
          {error}
        </div>
      )}
      {status && status.phase !== 'unloaded' && (
        <p className={status.phase === 'failed' ? 'hs-banner hs-banner--error' : 'hs-muted'} role="status" data-testid="local-model-status" data-phase={status.phase}>
          {status.message}
        </p>
      )}
      {models.length === 0 ? (
        <p className="hs-muted">No local models yet.</p>
      ) : (
        <ul className="hs-settings__list" data-testid="local-model-list">
          {models.map((m) => (
            <LocalModelRow key={m.name} m={m} />
          ))}
        </ul>
      )}
    </section>
  );
}


/** The local CPU's load status in the top bar: while a model loads (a run waits for it), when it is ready, or why it failed. */
export function LocalCpuStatus() {
  const { status } = useLocalModels();
  if (!status || status.phase === 'unloaded') return null;
  return (
    <span
      className={`hs-topbar__issues${status.phase === 'failed' ? ' is-bad' : ''}`}
      role="status"
      data-testid="local-cpu-status"
      data-phase={status.phase}
      title={status.message}
    >
      {status.phase === 'failed' ? `Local model failed: ${status.file}` : status.phase === 'ready' ? `Local: ${status.file}` : `Loading ${status.file} (${status.phase})…`}
    </span>
  );
}
