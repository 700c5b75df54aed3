import { useStudio } from '../../store';

/** Artifacts written up to the cursor (e.g. the report), as plain text. */
export function Artifacts() {
  const artifacts = useStudio((s) => s.cursorState?.artifacts);
  const entries = artifacts ? Object.entries(artifacts) : [];
  return (
    <div className="rp-section rp-grow" data-testid="artifacts">
      <div className="rp-head">Artifacts</div>
      <div className="rp-scroll">
        {entries.length === 0 && <div className="rp-empty">No artifact written yet at this point of the run.</div>}
        {entries.map(([name, a]) => (
          <div key={name} className="rp-artifact" data-testid="artifact" data-name={name}>
            <div className="rp-artifact-name">
              {name}
              <small>by {a.agent} @ {a.seq}</small>
            </div>
            <pre className="rp-pre">{a.text}</pre>
          </div>
        ))}
      </div>
    </div>
  );
}
