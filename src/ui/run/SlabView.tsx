/**
 * The Slabs view: the allocator's classes at the cursor, like /proc/slabinfo (kernel/alloc), and
 * the declared regions with their generations and the handles agents hold (kernel/region). The
 * kernel's own rows and text; the UI only lays them out. Bytes are the classes' declared estimates.
 */
import { useMemo } from 'react';
import { slabRows, slabinfoText, type RegionsState } from '../../kernel';
import { useStudio } from '../../store';
import { NO_EVENTS_HINT } from './runActions';
import './slab.css';

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

function Regions({ regions }: { regions: RegionsState | undefined }) {
  const spec = useStudio((s) => s.spec);
  const declared = spec?.regions ?? [];
  if (declared.length === 0) return null;
  return (
    <div className="hs-slab__regions" data-testid="region-table">
      <div className="rp-head">Regions</div>
      <table className="rp-table">
        <thead>
          <tr>
            <th>region</th>
            <th>kind</th>
            <th className="num">generation</th>
            <th>handles (agent: handle @ generation)</th>
          </tr>
        </thead>
        <tbody>
          {declared.map((r) => {
            const st = regions?.[r.id];
            const handles = st ? Object.values(st.handles) : [];
            return (
              <tr key={r.id} data-testid="region-row" data-region={r.id} data-generation={st?.generation ?? 0}>
                <td>{r.id}</td>
                <td title={`match "${r.match}"`}>{r.kind}</td>
                <td className="num">{st?.generation ?? 0}</td>
                <td>
                  {handles.length === 0
                    ? '—'
                    : handles.map((h) => `${h.agent}: ${h.id} @ ${h.generation}${h.generation === st!.generation ? '' : ' (stale)'}`).join(' · ')}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The allocator's classes and the regions at the cursor. */
export function SlabView() {
  const state = useStudio((s) => s.cursorState);
  const spec = useStudio((s) => s.spec);
  const hasEvents = useStudio((s) => s.events.length > 0);
  const rows = useMemo(() => (state ? slabRows(state.slabs, spec ?? {}) : null), [state, spec]);
  if (!state) {
    return (
      <div className="rp-empty" data-testid="slab-view">
        {hasEvents ? 'No state: the run has no events at the cursor.' : NO_EVENTS_HINT} The allocator's object classes (like /proc/slabinfo) and the declared regions show here, as they are at the cursor.
      </div>
    );
  }
  return (
    <div className="hs-slab" data-testid="slab-view" data-seq={state.seq}>
      <div className="rp-head">Slabs @ {state.seq}</div>
      {rows === null ? (
        <p className="rp-empty">This state was stored before the allocator's accounting existed: not accounted.</p>
      ) : (
        <>
          <table className="rp-table" data-testid="slab-table">
            <thead>
              <tr>
                <th>class</th>
                <th className="num">live</th>
                <th className="num">bytes</th>
                <th className="num">peak</th>
                <th className="num">peak bytes</th>
                <th className="num">allocs</th>
                <th className="num">frees</th>
                <th>to file</th>
                <th>to OTel</th>
                <th>to agents</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.cls.name} data-testid="slab-row" data-class={r.cls.name} data-live={r.live} data-allocs={r.allocs} title={`${r.cls.object}; bytes: ${r.cls.bytes}`}>
                  <td>{r.cls.name}</td>
                  <td className="num">{r.live}</td>
                  <td className="num">{r.bytes}</td>
                  <td className="num">{r.peak}</td>
                  <td className="num">{r.peakBytes}</td>
                  <td className="num">{r.allocs}</td>
                  <td className="num">{r.frees}</td>
                  <td data-allowed={r.policy.file}>{yesNo(r.policy.file)}</td>
                  <td data-allowed={r.policy.otel}>{yesNo(r.policy.otel)}</td>
                  <td data-allowed={r.policy.ipc}>{yesNo(r.policy.ipc)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="hs-muted hs-slab__note">Bytes are each class's declared estimate (hover a row), not measured heap; see docs/memory.md.</p>
          <details className="hs-slab__text">
            <summary>As /proc/slabinfo</summary>
            <pre data-testid="slabinfo-text">{slabinfoText(rows)}</pre>
          </details>
        </>
      )}
      <Regions regions={state.regions} />
    </div>
  );
}
