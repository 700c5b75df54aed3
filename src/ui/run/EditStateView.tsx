import { useMemo, useState } from 'react';
import type { EventOf, KernelState, StateEdit } from '../../kernel';
import { useStudio } from '../../store';
import { EditStateApply, useAddEdit } from './EditStateApply';
import { EditStateText, SegmentAddForm } from './EditStateText';
import { SegmentEdit } from './WindowEdits';
import './editState.css';

const MAX_CHUNKS = 50;

/** The tool results returned up to the cursor, newest first. */
function toolResults(events: readonly { type: string }[], cursor: number): EventOf<'tool.returned'>[] {
  const out: EventOf<'tool.returned'>[] = [];
  for (let i = Math.min(cursor, events.length - 1); i >= 0; i--) {
    const e = events[i] as EventOf<'tool.returned'> | undefined;
    if (e?.type === 'tool.returned') out.push(e);
  }
  return out;
}

function AgentWindow({ state, agent, add }: { state: KernelState; agent: string; add(e: StateEdit): void }) {
  const p = state.procs[agent];
  if (!p) return <div className="rp-empty">No agent selected.</div>;
  return (
    <div className="es-group" data-testid="es-window">
      <div className="rp-head">{agent}'s window · {p.contextTokens} tokens</div>
      {p.context.map((seg) => (
        <div key={seg.id} className="es-item" data-testid="es-segment" data-segment={seg.id} data-kind={seg.kind}>
          <div className="es-meta">{seg.id} · {seg.kind} · {seg.tokens} tok · {seg.source}</div>
          {seg.kind === 'system' ? (
            <pre className="rp-pre">{seg.text}</pre>
          ) : seg.kind === 'core' ? (
            <EditStateText text={seg.text} label={`core block ${seg.source.slice(5)}`} testId="es-core" onSave={(t) => add({ kind: 'core.edit', agent, label: seg.source.slice(5), text: t })} />
          ) : (
            <SegmentEdit agent={agent} segment={seg} add={add} testId="es-segment-text" />
          )}
        </div>
      ))}
      <SegmentAddForm agent={agent} onAdd={(text, fact) => add({ kind: 'segment.add', agent, text, ...(fact ? { fact: true } : {}) })} />
      <CoreBlockForm agent={agent} add={add} />
    </div>
  );
}

/** A block declared in the document lives in the system prompt: it is edited by its label (the kernel finds it). */
function CoreBlockForm({ agent, add }: { agent: string; add(e: StateEdit): void }) {
  const [label, setLabel] = useState('');
  const [text, setText] = useState('');
  return (
    <div className="es-item">
      <div className="es-meta">Core-memory block by label (one the document declares, or one the agent wrote)</div>
      <input aria-label="Core block label" data-testid="es-core-label" placeholder="label" value={label} onChange={(e) => setLabel(e.target.value)} />
      <textarea aria-label="Core block text" data-testid="es-core-text" placeholder="new text of the block" value={text} rows={2} onChange={(e) => setText(e.target.value)} />
      <button type="button" data-testid="es-core-add" disabled={label.trim() === ''} onClick={() => add({ kind: 'core.edit', agent, label: label.trim(), text })}>
        Add edit
      </button>
    </div>
  );
}

/** "Edit state" at the cursor: every editable part of the state, the pending edits, and Fork with edits. */
export function EditStateView() {
  const state = useStudio((s) => s.cursorState);
  const cursor = useStudio((s) => s.cursor);
  const runId = useStudio((s) => s.runId);
  const events = useStudio((s) => s.events);
  const head = useStudio((s) => s.head);
  const [picked, setPicked] = useState<string | null>(null);
  const addEdit = useAddEdit();

  const order = state?.order ?? [];
  const agent = picked !== null && order.includes(picked) ? picked : (order[0] ?? null);
  const results = useMemo(() => toolResults(events, cursor), [events, head, cursor]);
  const add = (e: StateEdit) => addEdit?.(e);

  if (!state || runId === null) return <div className="rp-empty" data-testid="edit-state">Select a run and put the cursor on an event to edit the state there.</div>;
  const messages = [
    ...state.inflight.map((m) => ({ m, where: 'in flight' })),
    ...order.flatMap((a) => (state.procs[a]?.inbox ?? []).map((m) => ({ m, where: `in ${a}'s inbox` }))),
  ];
  return (
    <div className="es" data-testid="edit-state">
      <div className="rp-col es-main">
        <div className="rp-head">
          <span>Edit state @ {cursor}</span>
          <select aria-label="Agent" data-testid="es-agent" value={agent ?? ''} onChange={(e) => setPicked(e.target.value)} disabled={order.length === 0}>
            {order.map((a) => (
              <option key={a} value={a}>{a}</option>
            ))}
          </select>
        </div>
        <div className="rp-scroll">
          {agent !== null && <AgentWindow key={`${agent}@${cursor}`} state={state} agent={agent} add={add} />}
        </div>
      </div>
      <div className="rp-col es-main">
        <div className="rp-head">Tool results, messages, chunks, artifacts</div>
        <div className="rp-scroll">
          <div className="es-group">
            <div className="es-title">Tool results ({results.length})</div>
            {results.length === 0 && <div className="rp-empty">No tool has returned by this event.</div>}
            {results.map((r) => (
              <div key={r.callId} className="es-item" data-testid="es-tool-result" data-call={r.callId} data-seq={r.seq}>
                <div className="es-meta">#{r.seq} · {r.agent} · {r.tool} · {r.callId}</div>
                <EditStateText text={r.result} label={`result of call ${r.callId}`} testId="es-tool-result-text" onSave={(t) => add({ kind: 'tool-result.edit', callId: r.callId, text: t })} />
              </div>
            ))}
          </div>
          <div className="es-group">
            <div className="es-title">Messages not yet received ({messages.length})</div>
            {messages.map(({ m, where }) => (
              <div key={m.msgId} className="es-item" data-testid="es-message" data-msg={m.msgId}>
                <div className="es-meta">{m.msgId} · {m.from} → {m.to} · {where}</div>
                <EditStateText text={m.text} label={`message ${m.msgId}`} testId="es-message-text" onSave={(t) => add({ kind: 'message.edit', msgId: m.msgId, text: t })} />
              </div>
            ))}
          </div>
          <div className="es-group">
            <div className="es-title">Archival chunks</div>
            {Object.entries(state.stores).map(([store, docs]) => (
              <div key={store}>
                <div className="es-meta">{store} · {docs.length} chunk{docs.length === 1 ? '' : 's'}{docs.length > MAX_CHUNKS ? ` (the first ${MAX_CHUNKS} shown)` : ''}</div>
                {docs.slice(0, MAX_CHUNKS).map((d) => (
                  <div key={d.id} className="es-item" data-testid="es-chunk" data-chunk={d.id}>
                    <div className="es-meta">{d.id} · {d.source}</div>
                    <EditStateText text={d.text} label={`chunk ${d.id}`} testId="es-chunk-text" onSave={(t) => add({ kind: 'chunk.edit', store, id: d.id, text: t })} />
                  </div>
                ))}
              </div>
            ))}
          </div>
          <div className="es-group">
            <div className="es-title">Artifacts</div>
            {Object.entries(state.artifacts).map(([name, a]) => (
              <div key={name} className="es-item" data-testid="es-artifact" data-name={name}>
                <div className="es-meta">{name} · by {a.agent} @ {a.seq}</div>
                <EditStateText text={a.text} label={`artifact ${name}`} testId="es-artifact-text" onSave={(t) => add({ kind: 'artifact.edit', name, text: t })} />
              </div>
            ))}
          </div>
        </div>
      </div>
      <div className="rp-col es-side">
        <div className="rp-scroll">
          <EditStateApply full />
        </div>
      </div>
    </div>
  );
}
