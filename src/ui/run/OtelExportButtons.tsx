/**
 * The run toolbar's OpenTelemetry export: **OTLP** downloads the selected run as one OTLP/HTTP
 * JSON request (GenAI spans, kernel/otel), **Send** posts it to the collector in Settings. The
 * worker builds and sends it (the collector's headers never reach the page); what comes back is
 * redacted like every answer.
 */
import { useState } from 'react';
import { studio } from '../../bridge/client';
import { useStudio } from '../../store';
import { downloadText } from '../shared/download';

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function OtelExportButtons() {
  const runId = useStudio((s) => s.runId);
  const harness = useStudio((s) => s.runs.find((r) => r.id === s.runId)?.harness);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);

  const act = async (work: (id: string) => Promise<string | null>): Promise<void> => {
    if (!runId) return;
    setBusy(true);
    setNote(null);
    try {
      const text = await work(runId);
      if (text) setNote({ ok: true, text });
    } catch (err) {
      setNote({ ok: false, text: message(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button
        type="button"
        data-testid="run-export-otlp"
        title="Download this run as OpenTelemetry (OTLP/HTTP JSON, GenAI spans; secrets redacted)"
        disabled={!runId || busy}
        onClick={() =>
          void act(async (id) => {
            const text = await studio().runOtlp(id);
            downloadText(`${(harness ?? 'run').replace(/[^\w.-]+/g, '-')}-${id.slice(0, 8)}.otlp.json`, text, 'application/json');
            return null;
          })
        }
      >
        OTLP
      </button>
      {/* The outcome opens under Send, whole and closable, over the views: inline it pushed the
          scrubber and the cursor readout off the toolbar and cut its own text to one line. */}
      <span className="rp-otel-send">
        <button
          type="button"
          data-testid="run-send-otlp"
          title="Send this run to the OpenTelemetry collector set in Settings"
          disabled={!runId || busy}
          onClick={() =>
            void act(async (id) => {
              const r = await studio().sendRunOtlp(id);
              return `${r.spans} spans sent to ${r.url}`;
            })
          }
        >
          Send
        </button>
        {note && (
          <span className={`rp-otel-note${note.ok ? '' : ' is-error'}`}>
            <span role={note.ok ? 'status' : 'alert'} data-testid="otel-send-status" data-ok={note.ok}>
              {note.text}
            </span>
            <button type="button" data-testid="otel-send-close" aria-label="Close this message" title="Close" onClick={() => setNote(null)}>
              ×
            </button>
          </span>
        )}
      </span>
    </>
  );
}
