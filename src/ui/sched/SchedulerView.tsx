import { useMemo } from 'react';
import { useStudio } from '../../store';
import type { LiveGeneration } from '../../bridge/api';
import { BudgetGauges } from './BudgetGauges';
import { deriveGauges, deriveTotals } from './budgets';
import { MarkerList } from './MarkerList';
import { RoutingList } from './RoutingList';
import { Runqueues } from './Runqueues';
import { deriveRunqueues } from './runqueues';
import { GanttLegend, SchedGantt } from './SchedGantt';
import { timelineFor } from './timeline';
import { liveEnds } from './liveBars';
import { formatTokens } from '../run/format';
import './sched.css';
import { NO_EVENTS_HINT } from '../run/runActions';

const NONE: readonly LiveGeneration[] = [];

/**
 * The scheduler at the debugger's cursor: slot timeline (events up to the cursor solid, later
 * ones faint), runqueues and budget gauges (kernel state at the cursor), routing decisions.
 * Derived data is computed once per trace head or cursor move, never per render.
 */
export function SchedulerView() {
  const events = useStudio((s) => s.events);
  const head = useStudio((s) => s.head);
  const cursor = useStudio((s) => s.cursor);
  const state = useStudio((s) => s.cursorState);
  const spec = useStudio((s) => s.spec);
  const setCursor = useStudio((s) => s.setCursor);
  // What streams now is drawn at the head only: an earlier cursor shows the trace as it was.
  const live = useStudio((s) => (s.cursor === s.head ? s.live : NONE));

  // The events array grows in place; `head` is what changes.
  const tl = useMemo(() => timelineFor(events, head), [events, head]);
  const cursorT = events[cursor]?.t ?? 0;
  const names = useMemo(() => new Map((spec?.groups ?? []).map((g) => [g.id, g.name])), [spec]);
  const queues = useMemo(() => (state ? deriveRunqueues(state, tl, cursor) : []), [state, tl, head, cursor]);
  const gauges = useMemo(() => (state ? deriveGauges(state, names) : []), [state, names]);
  const totals = useMemo(() => (state ? deriveTotals(state, spec?.limits) : null), [state, spec]);
  const colorOf = (agent: string) => tl.colorOf(agent);
  const ends = useMemo(() => liveEnds(tl, events, live), [tl, head, events, live]);

  const noSched = head >= 0 && tl.bars.row.length === 0 && tl.markers.length === 0;
  return (
    <div className="sv" data-testid="scheduler-view">
      <div className="rp-col sv-main">
        <div className="rp-head">
          <span>Slots @ {cursor < 0 ? '—' : cursor}</span>
          <span className="rp-spacer" />
          {live.length > 0 && (
            <span className="sv-live" data-testid="sched-live">
              {live.map((g) => `${g.agent} generating · ${formatTokens(g.tokens)} tokens`).join(' · ')}
            </span>
          )}
          <span className="rp-dim">wheel zooms · shift+wheel pans · click goes to the event</span>
        </div>
        {tl.agents.length > 0 && <GanttLegend agents={tl.agents} />}
        {head < 0 ? (
          <div className="rp-empty">{NO_EVENTS_HINT}</div>
        ) : (
          <>
            {noSched && <div className="rp-empty">This trace has no scheduling events: it was recorded before the kernel emitted them, or no agent ran yet.</div>}
            <SchedGantt tl={tl} head={head} cursor={cursor} cursorT={cursorT} live={ends} onPick={setCursor} />
            <div className="rp-head">
              <span>Markers</span>
              <span className="rp-dim">▼ preempted · ■ throttled · ✕ refused</span>
            </div>
            <MarkerList tl={tl} head={head} cursor={cursor} onPick={setCursor} />
          </>
        )}
      </div>
      <div className="rp-col">
        <div className="rp-head">Runqueues</div>
        <div className="rp-scroll">
          <Runqueues queues={queues} colorOf={colorOf} />
        </div>
      </div>
      <div className="rp-col">
        <div className="rp-scroll">
          <div className="rp-head sv-sticky">Budgets</div>
          <BudgetGauges gauges={gauges} totals={totals} />
          <div className="rp-head sv-sticky">Routing</div>
          <RoutingList events={events} routed={tl.routed} cursor={cursor} onPick={setCursor} />
        </div>
      </div>
    </div>
  );
}
