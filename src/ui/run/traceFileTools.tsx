/**
 * The selected run's trace hash, and its download as a JSONL trace (gzipped if asked): the
 * file the CLI writes and reads, and that a drop on the page opens again with the same hash.
 */
import { useEffect, useState } from 'react';
import { studio } from '../../bridge/client';
import { useStudio } from '../../store';
import { exportRunTrace } from './traceFile';

/** The trace hash of the run as stored now; asked again when it moves on and stops or pauses. */
function useTraceHash(runId: string | null, head: number, settled: boolean): string | null {
  const [hash, setHash] = useState<{ key: string; value: string } | null>(null);
  const key = `${runId}@${head}`;
  useEffect(() => {
    if (!runId || !settled) return;
    let live = true;
    studio()
      .runTraceHash(runId)
      .then((value) => live && setHash({ key, value }))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [runId, key, settled]);
  return hash?.key === key ? hash.value : null;
}

export function TraceFileTools() {
  const runId = useStudio((s) => s.runId);
  const head = useStudio((s) => s.runs.find((r) => r.id === s.runId)?.head ?? -1);
  const status = useStudio((s) => s.status);
  const notify = useStudio((s) => s.notify);
  const [compressed, setCompressed] = useState(false);
  const hash = useTraceHash(runId, head, status !== 'running');
  if (!runId) return null;
  return (
    <div className="rp-tracefile">
      {hash && (
        <span className="rp-tracehash" data-testid="run-trace-hash" data-hash={hash} title={`Trace hash ${hash}: the same for the same document and seed, in the studio and the CLI`}>
          #{hash.slice(0, 8)}
        </span>
      )}
      <button
        type="button"
        data-testid="run-export-jsonl"
        title="Download this run's trace as JSONL (the CLI's format; drop it on the page to open it again)"
        onClick={() => void exportRunTrace(runId, compressed).catch((err: unknown) => notify({ level: 'error', message: `Could not export the trace: ${err instanceof Error ? err.message : String(err)}` }))}
      >
        JSONL
      </button>
      <label className="rp-dim" title="Gzip the download (.jsonl.gz)">
        <input type="checkbox" data-testid="run-export-gzip" checked={compressed} onChange={(e) => setCompressed(e.currentTarget.checked)} />
        gz
      </label>
    </div>
  );
}
