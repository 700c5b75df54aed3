/**
 * Settings › OpenTelemetry collector: where the run toolbar's Send posts a run (OTLP/HTTP JSON).
 * Headers are typed here and sent to the worker once; like API keys they are never shown again
 * (the worker answers with their names only) and never exported.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { studio } from '../../bridge/client';
import type { OtelCollectorSummary } from '../../bridge/api';

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function OtelCollectorSection() {
  const [saved, setSaved] = useState<OtelCollectorSummary | null>(null);
  const [url, setUrl] = useState('');
  const [headers, setHeaders] = useState('');
  const [clear, setClear] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  useEffect(() => {
    studio()
      .getOtelCollector()
      .then((c) => {
        setSaved(c);
        setUrl(c?.url ?? '');
      })
      .catch((err: unknown) => setError(message(err)));
  }, []);

  const save = async (ev: FormEvent): Promise<void> => {
    ev.preventDefault();
    setError(null);
    setStatus(null);
    try {
      // Empty headers on an edit keep the stored ones; "Remove the stored headers" clears them.
      const input = headers.trim() !== '' || clear || !saved ? { url, headers } : { url };
      const c = await studio().saveOtelCollector(input);
      setSaved(c);
      setHeaders('');
      setClear(false);
      setStatus(`Saved: runs are sent to ${c.tracesUrl}`);
    } catch (err) {
      setError(message(err));
    }
  };

  return (
    <section className="hs-settings__section" aria-labelledby="otel-collector-title" data-testid="otel-collector">
      <h3 id="otel-collector-title" className="hs-settings__title">
        OpenTelemetry collector
      </h3>
      <p className="hs-muted">Send a run from the run toolbar as OTLP/HTTP JSON (GenAI spans) to Langfuse, Phoenix or an OpenTelemetry Collector. The collector must allow this page’s origin (CORS).</p>
      <form className="hs-settings__form" onSubmit={(e) => void save(e)} aria-label="OpenTelemetry collector">
        <label className="hs-field">
          <span className="hs-field__label">URL</span>
          <input className="hs-input hs-input--mono" value={url} placeholder="http://127.0.0.1:4318" spellCheck={false} onChange={(e) => setUrl(e.target.value)} data-testid="otel-url" />
          <span className="hs-field__hint">The collector’s base (…/v1/traces is added), or an endpoint ending in /v1/traces. Langfuse: https://cloud.langfuse.com/api/public/otel; Phoenix: http://HOST:6006/v1/traces.</span>
        </label>
        <label className="hs-field">
          <span className="hs-field__label">Headers</span>
          <textarea
            className="hs-input hs-input--mono"
            rows={2}
            autoComplete="off"
            spellCheck={false}
            value={headers}
            placeholder={saved?.headerNames.length ? `Stored: ${saved.headerNames.join(', ')} — leave empty to keep them` : 'Authorization: Basic …   (one Name: value per line)'}
            onChange={(e) => setHeaders(e.target.value)}
            data-testid="otel-headers"
          />
          <span className="hs-field__hint">Stored in this browser only, read only by the studio’s worker, like API keys; never shown again, exported or put in a trace.</span>
        </label>
        {saved && saved.headerNames.length > 0 && (
          <label className="hs-field hs-field--check">
            <input type="checkbox" checked={clear} onChange={(e) => setClear(e.target.checked)} />
            Remove the stored headers
          </label>
        )}
        {error && (
          <div className="hs-banner hs-banner--error" role="alert" data-testid="otel-error">
            {error}
          </div>
        )}
        {status && (
          <p className="hs-muted" role="status" data-testid="otel-status">
            {status}
          </p>
        )}
        <div className="hs-settings__buttons">
          <button type="submit" className="hs-btn hs-btn--primary" data-testid="otel-save">
            Save collector
          </button>
          {saved && (
            <button
              type="button"
              className="hs-btn"
              data-testid="otel-remove"
              onClick={() => {
                studio()
                  .deleteOtelCollector()
                  .then(() => {
                    setSaved(null);
                    setUrl('');
                    setStatus('Removed.');
                  })
                  .catch((err: unknown) => setError(message(err)));
              }}
            >
              Remove
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
