import { useEffect, useMemo, useState } from 'react';
import type { AgentSummary, KernelEvent, RunDiff } from '../../kernel';
import type { RunMeta } from '../../bridge/api';
import { useStudio } from '../../store';
import { formatCost, summarize } from './format';
import { compareRuns, eventsOf } from './runController';
import './editState.css';

const shortId = (id: string) => id.slice(0, 8);
const runLabel = (r: RunMeta) => `${r.name ? `${r.name} · ` : ''}${shortId(r.id)} · seed ${r.seed}${r.parent ? ` · fork of ${shortId(r.parent.run)} @ ${r.parent.seq}` : ''}`;

/** The pair to compare first: a selected fork against its parent, else the selected run against the one before it. */
function defaultPair(runs: readonly RunMeta[], selected: string | null): [string, string] | null {
  const sel = runs.find((r) => r.id === selected) ?? runs[0];
  if (!sel) return null;
  if (sel.parent && runs.some((r) => r.id === sel.parent!.run)) return [sel.parent.run, sel.id];
  const other = runs.find((r) => r.id !== sel.id);
  return other ? [sel.id, other.id] : null;
}

function Side({ label, events, seq, diverged }: { label: string; events: readonly KernelEvent[]; seq: number; diverged: boolean }) {
  const e = events[seq];
  return (
    <div className="cmp-side" data-testid={`compare-event-${label}`} data-seq={seq} data-diverged={diverged}>
      <div className="es-meta">{label} · event {seq}{diverged ? ' · first divergence' : ''}</div>
      {e ? (
        <div>
          <strong>{e.type}</strong> {e.agent ? `${e.agent} · ` : ''}{summarize(e)}
        </div>
      ) : (
        <div className="rp-empty">no event {seq} (the run is shorter)</div>
      )}
    </div>
  );
}

const figures = (s: AgentSummary | null) => (s ? `${s.decisions.length} decisions · window ${s.windowTokens} tok · ${s.tokensIn}/${s.tokensOut} tok · ${formatCost(s.cost)} · ${s.state}` : '—');

/** Compare two runs: where they part, how each agent differs, and two scrubbers that move together up to the divergence. */
export function CompareView() {
  const runs = useStudio((s) => s.runs);
  const selected = useStudio((s) => s.runId);
  const initial = useMemo(() => defaultPair(runs, selected), [runs.length, selected]);
  const [pair, setPair] = useState<[string, string] | null>(initial);
  useEffect(() => setPair((p) => (p && runs.some((r) => r.id === p[0]) && runs.some((r) => r.id === p[1]) ? p : initial)), [initial, runs]);
  const [diff, setDiff] = useState<RunDiff | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [events, setEvents] = useState<{ a: KernelEvent[]; b: KernelEvent[] }>({ a: [], b: [] });
  const [cursor, setCursor] = useState<{ a: number; b: number }>({ a: 0, b: 0 });
  const [linked, setLinked] = useState(true);

  const [a, b] = pair ?? [null, null];
  const metaA = runs.find((r) => r.id === a);
  const metaB = runs.find((r) => r.id === b);
  const compare = async () => {
    if (!metaA || !metaB) return;
    setError(null);
    try {
      const [d, ea, eb] = await Promise.all([compareRuns(metaA.id, metaB.id), eventsOf(metaA.id, 0, metaA.head), eventsOf(metaB.id, 0, metaB.head)]);
      setDiff(d);
      setEvents({ a: ea, b: eb });
      const at = d.divergence?.seq ?? 0;
      setCursor({ a: Math.min(at, ea.length - 1), b: Math.min(at, eb.length - 1) });
    } catch (err) {
      setDiff(null);
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  useEffect(() => {
    setDiff(null);
    void compare();
  }, [a, b, metaA?.head, metaB?.head]);

  const div = diff?.divergence?.seq ?? null;
  /** Moving one scrubber moves the other to the same event while both are at or before the divergence. */
  const move = (side: 'a' | 'b', seq: number) => {
    setCursor((c) => {
      const next = { ...c, [side]: seq };
      const other = side === 'a' ? 'b' : 'a';
      const together = linked && (div === null || seq <= div);
      if (together) next[other] = Math.min(seq, Math.max(0, events[other].length - 1));
      return next;
    });
  };

  if (runs.length < 2) return <div className="rp-empty" data-testid="compare-view">Compare needs two runs: run this one again with another seed, or fork it.</div>;
  return (
    <div className="cmp" data-testid="compare-view">
      <div className="rp-col es-main">
        <div className="rp-head">
          <span>Compare</span>
          {(['a', 'b'] as const).map((side, i) => (
            <select
              key={side}
              aria-label={`Run ${side.toUpperCase()}`}
              data-testid={`compare-run-${side}`}
              value={(pair ?? ['', ''])[i]}
              onChange={(e) => setPair((p) => (i === 0 ? [e.target.value, p?.[1] ?? ''] : [p?.[0] ?? '', e.target.value]))}
            >
              {runs.map((r) => (
                <option key={r.id} value={r.id}>{side.toUpperCase()}: {runLabel(r)}</option>
              ))}
            </select>
          ))}
        </div>
        <div className="rp-scroll">
          {error !== null && <div className="rp-banner" data-level="error" role="alert">{error}</div>}
          {diff && (
            <>
              <div className="es-group" data-testid="compare-divergence" data-seq={div ?? 'none'}>
                {div === null
                  ? 'The two runs are the same, event for event (run ids and seeds aside).'
                  : `First divergence at event ${div}: A ${diff.divergence!.a ? `${diff.divergence!.a.type}` : '(ended)'} · B ${diff.divergence!.b ? diff.divergence!.b.type : '(ended)'}.`}
                {diff.rejoined && ` After the fork's ${diff.rejoined.markers - 1} edit(s), its own events first differ at A #${diff.rejoined.a} / B #${diff.rejoined.b}.`}
                {div !== null && diff.divergence?.b?.type === 'run.forked' && diff.rejoined === null && ' After the fork marker, B goes on exactly as A.'}
                <span className="es-meta"> · A {diff.lengths.a} events, B {diff.lengths.b}</span>
              </div>
              <div className="es-group">
                <label>
                  <input type="checkbox" data-testid="compare-linked" checked={linked} onChange={(e) => setLinked(e.target.checked)} /> scrubbers move together up to the divergence
                </label>
                {(['a', 'b'] as const).map((side) => (
                  <div key={side} className="rp-line">
                    <span>{side.toUpperCase()}</span>
                    <input
                      type="range"
                      data-testid={`compare-scrubber-${side}`}
                      aria-label={`Event cursor of run ${side.toUpperCase()}`}
                      min={0}
                      max={Math.max(0, events[side].length - 1)}
                      value={cursor[side]}
                      onChange={(e) => move(side, e.currentTarget.valueAsNumber)}
                    />
                    <span className="rp-readout" data-testid={`compare-readout-${side}`}>{cursor[side]}</span>
                  </div>
                ))}
                <div className="cmp-sides">
                  <Side label="A" events={events.a} seq={cursor.a} diverged={cursor.a === div} />
                  <Side label="B" events={events.b} seq={cursor.b} diverged={cursor.b === div} />
                </div>
              </div>
            </>
          )}
        </div>
      </div>
      <div className="rp-col es-main">
        <div className="rp-head">Agents</div>
        <div className="rp-scroll">
          {diff?.agents.map((x) => (
            <div key={x.agent} className="es-item" data-testid="compare-agent" data-agent={x.agent} data-differs={x.differences.length > 0}>
              <div>
                <strong>{x.agent}</strong> {x.differences.length === 0 ? '· the same in both' : `· ${x.differences.length} difference${x.differences.length === 1 ? '' : 's'}`}
              </div>
              <div className="es-meta">A: {figures(x.a)}</div>
              <div className="es-meta">B: {figures(x.b)}</div>
              <ul>
                {x.differences.map((d, i) => (
                  <li key={i} data-testid="compare-difference">{d}</li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
