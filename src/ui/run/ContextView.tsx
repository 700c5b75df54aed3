import { useEffect, useMemo, useState } from 'react';
import { studio } from '../../bridge/client';
import type { ContextAnswer } from '../../bridge/api';
import { coreBlocksOf, type CoreBlockView, type PromptSegment, type StateEdit } from '../../kernel';
import { useStudio } from '../../store';
import { useAddEdit } from './EditStateApply';
import { SegmentAddForm } from './EditStateText';
import { CoreBlockEdits, SegmentEdit } from './WindowEdits';
import './editState.css';
import './watch.css';

/** The agent the view follows: the one picked, else the agent of the event at the cursor, else the first agent. */
function useAgent(picked: string | null): string | null {
  const agents = useStudio((s) => s.agents);
  const atCursor = useStudio((s) => (s.cursor >= 0 ? (s.events[s.cursor]?.agent ?? s.cursorEvent?.agent) : undefined));
  if (picked !== null && agents.includes(picked)) return picked;
  return atCursor ?? agents[0] ?? null;
}

/** What the view can edit: the agent's window at the cursor (the state edits apply to), by segment id, and its core blocks. */
interface Editable {
  agent: string;
  cursor: number;
  add(e: StateEdit): void;
  /** The text of each segment in the window at the cursor, by id. */
  atCursor: ReadonlyMap<string, string>;
  blocks: readonly CoreBlockView[];
}

/**
 * A window segment's text as sent, with the Memory view's edits when the segment is in the
 * window at the cursor with the same text: the core blocks in it by their labels (the document's
 * blocks live in the system segment; the prompt itself is the document's), any other segment by its id.
 */
function SegmentText({ s, edit }: { s: PromptSegment; edit: Editable | null }) {
  const plain = <pre className="cx-seg-text">{s.text}</pre>;
  if (!edit) return plain;
  const now = edit.atCursor.get(s.id);
  if (now !== s.text) {
    return (
      <>
        {plain}
        <div className="rp-dim" data-testid="context-segment-moved">{now === undefined ? `Not in the window at #${edit.cursor}.` : `Changed since it was sent; the Memory view edits it as it is at #${edit.cursor}.`}</div>
      </>
    );
  }
  if (s.kind === 'system' || s.kind === 'core') {
    const blocks = edit.blocks.filter((b) => b.segment === s.id);
    return (
      <>
        {(s.kind === 'system' || blocks.length === 0) && plain}
        <CoreBlockEdits blocks={blocks} agent={edit.agent} cursor={edit.cursor} add={edit.add} testId="cx" />
      </>
    );
  }
  return <SegmentEdit key={`${s.id}@${edit.cursor}`} agent={edit.agent} segment={s} add={edit.add} testId="cx-segment-text" />;
}

/**
 * Context the way the model saw it: for the agent at the cursor, the prompt its CPU was sent at
 * its latest turn (the kernel's own request builder, asked through the worker): system prompt,
 * window segments in order with token counts and the event that put each there; on a real CPU
 * the request body as the provider sends it (no key is ever in a body). Core blocks and window
 * segments are edited here as in the Memory view (the same components and kernel edits), against
 * the state at the cursor: the agent's next turn is sent with them.
 */
export function ContextView() {
  const runId = useStudio((s) => s.runId);
  const cursor = useStudio((s) => s.cursor);
  const head = useStudio((s) => s.head);
  const agents = useStudio((s) => s.agents);
  const setCursor = useStudio((s) => s.setCursor);
  const [picked, setPicked] = useState<string | null>(null);
  const agent = useAgent(picked);
  const [answer, setAnswer] = useState<{ key: string; view: ContextAnswer | null; error?: string } | null>(null);
  const key = `${runId}\u0000${cursor}\u0000${agent}\u0000${head >= cursor}`;
  const proc = useStudio((s) => (agent === null ? undefined : s.cursorState?.procs[agent]));
  const addEdit = useAddEdit();
  // The window at the cursor, derived once per state: the edits resolve against it.
  const atCursor = useMemo(() => (proc ? { atCursor: new Map(proc.context.map((x) => [x.id, x.text] as const)), blocks: coreBlocksOf(proc) } : null), [proc]);
  const edit: Editable | null = addEdit && atCursor && agent !== null ? { agent, cursor, add: addEdit, ...atCursor } : null;

  useEffect(() => {
    if (runId === null || agent === null || cursor < 0) return;
    let live = true;
    studio()
      .contextAt(runId, cursor, agent)
      .then((view) => live && setAnswer({ key, view }))
      .catch((err: unknown) => live && setAnswer({ key, view: null, error: err instanceof Error ? err.message : String(err) }));
    return () => {
      live = false;
    };
  }, [runId, cursor, agent, key]);

  const view = answer?.view ?? null;
  const total = useMemo(() => (view ? view.segments.reduce((n, s) => n + s.tokens, 0) : 0), [view]);
  if (runId === null || cursor < 0) return <div className="rp-empty">Run or select a run to see what each agent's model was sent.</div>;

  return (
    <div className="cx" data-testid="context-view" aria-busy={answer?.key !== key}>
      <div className="cx-head">
        <label>
          agent{' '}
          <select data-testid="context-agent" value={agent ?? ''} onChange={(e) => setPicked(e.currentTarget.value || null)}>
            {agents.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        {view && (
          <span data-testid="context-sent">
            {view.sentAt === null ? `turn ${view.turn}: not sent yet (what its next turn would get)` : (
              <>
                turn {view.turn}, sent at{' '}
                <button type="button" data-testid="context-sent-at" onClick={() => setCursor(view.sentAt!)} title="Go to the infer.started that sent it">
                  #{view.sentAt}
                </button>
              </>
            )}{' '}
            · {view.model} ({view.provider}) · {view.tokensIn} tokens in a window of {view.window}
          </span>
        )}
      </div>
      {answer?.error && <div className="rp-banner" data-level="error" role="alert">{answer.error}</div>}
      {answer?.key === key && view === null && !answer.error && <div className="rp-empty">{agent} has no job at this event.</div>}
      {view && (
        <>
          <div className="rp-head">System prompt</div>
          <pre className="cx-system" data-testid="context-system">{view.system || '(none)'}</pre>
          {edit && (
            <div className="rp-dim" data-testid="context-edit">
              Core blocks and segments edit here as in the Memory view, at event #{cursor} (the cursor): {agent}'s next turn is sent with them.
            </div>
          )}
          <div className="rp-head">
            Window: {view.segments.length} segments, {total} tokens
          </div>
          <table className="cx-table" data-testid="context-segments">
            <thead>
              <tr>
                <th>#</th>
                <th>kind</th>
                <th>role</th>
                <th className="cx-num">tokens</th>
                <th>source</th>
                <th>put there by</th>
                <th>text</th>
              </tr>
            </thead>
            <tbody>
              {view.segments.map((s, i) => (
                <tr key={s.id} data-testid="context-segment" data-kind={s.kind} data-tokens={s.tokens}>
                  <td>{i + 1}</td>
                  <td>
                    {s.kind}
                    {s.fact ? ' · fact' : ''}
                    {s.pinned ? ' · pinned' : ''}
                  </td>
                  <td>{s.role}</td>
                  <td className="cx-num" data-testid="context-segment-tokens">{s.tokens}</td>
                  <td>
                    {s.source}
                    {s.trust === 'untrusted' ? ' · untrusted' : ''}
                    {s.taint?.length ? ` · taint ${s.taint.join(', ')}` : ''}
                  </td>
                  <td>
                    {s.origin ? (
                      <button type="button" data-testid="context-origin" onClick={() => setCursor(s.origin!.seq)} title="Go to the event that put it in the window">
                        #{s.origin.seq} {s.origin.label}
                      </button>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    <SegmentText s={s} edit={edit} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {edit && <SegmentAddForm key={`${edit.agent}@${cursor}`} agent={edit.agent} onAdd={(text, fact) => edit.add({ kind: 'segment.add', agent: edit.agent, text, ...(fact ? { fact: true } : {}) })} />}
          {view.functions.length > 0 && view.provider !== 'sim' && (
            <>
              <div className="rp-head">Functions offered</div>
              <ul className="wt-list">
                {view.functions.map((f) => (
                  <li key={f.name} className="wt-row">
                    <span className="wt-expr">{f.name}</span>
                    <span className="wt-value" title={f.description}>{f.description}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
          {view.wire ? (
            <>
              <div className="rp-head">Request as sent ({view.wire.format} wire format; keys travel in headers, never here)</div>
              <pre className="cx-wire" data-testid="context-wire">{JSON.stringify(view.wire.body, null, 2)}</pre>
            </>
          ) : (
            <div className="rp-empty">The sim CPU reads this window directly: there is no request on a wire.</div>
          )}
        </>
      )}
    </div>
  );
}
