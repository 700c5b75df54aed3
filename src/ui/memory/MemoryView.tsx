import { useMemo, useState } from 'react';
import { useFixedRows } from '../run/useFixedRows';
import { coreBlocksOf, type Segment } from '../../kernel';
import { useAddEdit } from '../run/EditStateApply';
import { SegmentAddForm } from '../run/EditStateText';
import { CoreBlockEdits, SegmentEdit } from '../run/WindowEdits';
import '../run/editState.css';
import { useStudio } from '../../store';
import { ArchiveBrowser } from './ArchiveBrowser';
import { archiveStores } from './archive';
import { MemoryEvents } from './MemoryEvents';
import { busiestMemoryAgent, memoryEntries } from './memoryEvents';
import { PageTable } from './PageTable';
import { pageRows } from './pageTable';
import { WindowBar } from './WindowBar';
import { deriveBar } from './windowBar';
import './memory.css';
import { NO_EVENTS_HINT } from '../run/runActions';

const NO_SEGMENTS: readonly Segment[] = [];
/** Height of a recall row (memory.css pins it): the recall list of a long run holds thousands. */
const RECALL_ROW = 22;

/**
 * One agent's memory at the debugger's cursor: the context window by kind against its
 * thresholds, its page table, its memory events so far, what left the window, and the
 * archival stores. Derived once per cursor move or agent pick, never per render.
 */
export function MemoryView() {
  const events = useStudio((s) => s.events);
  const head = useStudio((s) => s.head);
  const cursor = useStudio((s) => s.cursor);
  const state = useStudio((s) => s.cursorState);
  const setCursor = useStudio((s) => s.setCursor);
  const runId = useStudio((s) => s.runId);
  const browsable = useMemo(() => (state ? archiveStores(state) : {}), [state]);
  const [picked, setPicked] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);

  const order = state?.order ?? [];
  // Until the user picks one: the agent the run's memory events are about (the whole run, so scrubbing never switches it).
  const allAgents = events[0]?.type === 'run.started' ? events[0].agents : order;
  const busiest = useMemo(() => busiestMemoryAgent(events, allAgents), [events, head, allAgents]);
  const fallback = busiest !== null && order.includes(busiest) ? busiest : (order[0] ?? null);
  const agent = picked !== null && order.includes(picked) ? picked : fallback;
  const proc = agent === null ? undefined : state?.procs[agent];
  const now = state?.now ?? 0;
  const context = proc?.context ?? NO_SEGMENTS;
  const recall = proc?.recall ?? NO_SEGMENTS;

  const bar = useMemo(() => (proc ? deriveBar(proc) : null), [proc]);
  const rows = useMemo(() => pageRows(context, now), [context, now]);
  const recallRows = useMemo(() => pageRows(recall, now), [recall, now]);
  // `events` grows in place; `head` is what changes.
  const entries = useMemo(() => memoryEntries(events, agent, cursor), [events, head, agent, cursor]);
  const [recallOpen, setRecallOpen] = useState(false);
  const recallWin = useFixedRows<HTMLDivElement>(recallOpen ? recallRows.length : 0, RECALL_ROW, -1, 8);
  const chosen = rows.find((r) => r.id === selected) ?? recallRows.find((r) => r.id === selected) ?? null;
  // The kernel lists the core blocks (its own and the document's, inside the system prompt): core.edit finds them the same way.
  const blocks = useMemo(() => (proc ? coreBlocksOf(proc) : []), [proc]);
  const addEdit = useAddEdit();
  const inWindow = chosen !== null && context.some((x) => x.id === chosen.id);

  return (
    <div className="mv" data-testid="memory-view">
      <div className="rp-col mv-main">
        <div className="rp-head">
          <span>Memory @ {cursor < 0 ? '—' : cursor}</span>
          <select aria-label="Agent" data-testid="memory-agent" value={agent ?? ''} onChange={(e) => setPicked(e.target.value)} disabled={order.length === 0}>
            {order.length === 0 && <option value="">no agents</option>}
            {order.map((id) => <option key={id} value={id}>{id}</option>)}
          </select>
          {proc && (
            <span className="rp-dim mv-params">
              {proc.memory?.eviction ?? '?'}{proc.memory?.eviction === 'lru-k' ? ` k=${proc.memory.k}` : ''} · {proc.state}
            </span>
          )}
        </div>
        {!state ? (
          <div className="rp-empty">{NO_EVENTS_HINT}</div>
        ) : !proc || !bar ? (
          <div className="rp-empty">No agent has been published at the cursor.</div>
        ) : (
          <>
            <WindowBar bar={bar} />
            <div className="rp-scroll">
              <PageTable rows={rows} selected={selected} onSelect={setSelected} />
              {rows.length === 0 && <div className="rp-empty">The window is empty.</div>}
              {addEdit && agent !== null && (
                <details className="mv-edit" data-testid="mv-edit" open>
                  <summary className="rp-head">Core memory · {blocks.length} block{blocks.length === 1 ? '' : 's'} · add a segment</summary>
                  <CoreBlockEdits blocks={blocks} agent={agent} cursor={cursor} add={addEdit} testId="mv" />
                  <SegmentAddForm key={`${agent}@${cursor}`} agent={agent} onAdd={(text, fact) => addEdit({ kind: 'segment.add', agent, text, ...(fact ? { fact: true } : {}) })} />
                </details>
              )}
            </div>
            {chosen && (
              <div className="mv-detail" data-testid="segment-detail">
                <div className="rp-head">
                  <span>{chosen.id} · {chosen.kind} · {chosen.source}</span>
                  <span className="rp-spacer" />
                  <button type="button" onClick={() => setSelected(null)} aria-label="Close segment">×</button>
                </div>
                {chosen.validityBy && (
                  <div className="rp-dim" data-testid="segment-validity">validity {chosen.validity.toFixed(2)} by {chosen.validityBy.check}: {chosen.validityBy.reason}</div>
                )}
                {addEdit && agent !== null && inWindow && chosen.kind !== 'system' && chosen.kind !== 'core' ? (
                  <SegmentEdit key={`${chosen.id}@${cursor}`} agent={agent} segment={chosen} add={addEdit} testId="mv-segment-text" />
                ) : (
                  <pre className="rp-pre">{chosen.text}</pre>
                )}
              </div>
            )}
          </>
        )}
      </div>
      <div className="rp-col">
        <div className="rp-head">
          <span>Memory events{agent ? ` · ${agent}` : ''}</span>
          <span className="rp-spacer" />
          <span className="rp-dim">▲ pressure ⇣ evicted ≡ compacted ⇡ faulted ◇ validity</span>
        </div>
        <MemoryEvents entries={entries} cursor={cursor} onPick={setCursor} />
        <details className="mv-recall" data-testid="recall-list" onToggle={(e) => setRecallOpen(e.currentTarget.open)}>
          <summary className="rp-head">
            Recall · {recall.length} segment{recall.length === 1 ? '' : 's'} left the window
          </summary>
          <div className="rp-scroll" ref={recallWin.ref}>
            {recallRows.length === 0 ? (
              <div className="rp-empty">Nothing has left the window.</div>
            ) : (
              recallOpen && (
                <PageTable
                  rows={recallRows}
                  selected={selected}
                  onSelect={setSelected}
                  testId="recall-table"
                  rowTestId="recall-row"
                  shown={{ start: recallWin.start, end: recallWin.end, rowHeight: RECALL_ROW }}
                />
              )
            )}
          </div>
        </details>
      </div>
      <div className="rp-col">
        <ArchiveBrowser stores={browsable} runId={runId} at={state?.now ?? 0} />
      </div>
    </div>
  );
}
