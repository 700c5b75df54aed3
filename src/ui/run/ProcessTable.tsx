import { memo } from 'react';
import { spawnTree } from '../../kernel';
import { useStudio } from '../../store';
import { waitsOnTurn } from '../../kernel';
import { useFixedRows } from './useFixedRows';
import { formatCost, formatTokens, formatVt } from './format';

function contextLevel(used: number, window: number): string {
  const r = window > 0 ? used / window : 0;
  return r >= 0.95 ? 'full' : r >= 0.75 ? 'high' : 'ok';
}

/** Height of a process row (fixed in run.css), for windowing. */
const PROC_ROW = 21;

interface ProcRowProps {
  id: string;
  pid: number;
  model: string;
  slot: number;
  state: string;
  callTool: string | undefined;
  /** Who the process waits for ('' for anyone); undefined when it does not wait. */
  waiting: string | undefined;
  /** The conversation group whose turn it waits on (sched/turnTaking.ts), and who speaks there ('' while the next is being chosen). */
  turnGroup: string | undefined;
  turnSpeaker: string | undefined;
  turn: number;
  contextTokens: number;
  window: number;
  segments: number;
  tokensIn: number;
  tokensOut: number;
  cost: number;
  actor: boolean;
  genTurn: number | undefined;
  genTokens: number | undefined;
  /** Its spawner (a sub-agent) and its depth in the spawn tree (0: started with the run). */
  parent: string | null;
  depth: number;
  detached: boolean;
}

/** One process; its props are plain values, so a row whose process did not change is not re-rendered. */
const ProcRow = memo(function ProcRow(p: ProcRowProps) {
  const generating = p.genTokens !== undefined;
  return (
    <tr className={p.actor ? 'is-actor' : undefined} data-testid="process-row" data-agent={p.id} data-state={p.state} data-depth={p.depth} {...(p.parent === null ? {} : { 'data-parent': p.parent })} {...(generating ? { 'data-live': 'generating', 'data-live-tokens': p.genTokens } : {})}>
      <td className="num">{p.pid}</td>
      <td title={`${p.model}${p.slot >= 0 ? ` · slot ${p.slot}` : ''}${p.parent === null ? '' : ` · spawned by ${p.parent}${p.detached ? ' (detached)' : ''}`}`}>
        {p.depth > 0 && <span className="rp-tree" style={{ paddingLeft: (p.depth - 1) * 12 }} aria-hidden>└ </span>}
        {p.id}
      </td>
      <td>
        {generating ? (
          <span className="rp-state" data-state={p.state} data-live="generating" data-testid="live-state" title={`generating turn ${p.genTurn}: ${p.genTokens} tokens so far (the tokenizer's estimate)`}>
            generating · {formatTokens(p.genTokens!)} tok
          </span>
        ) : (
          p.turnGroup !== undefined ? (
            <span className="rp-state" data-state={p.state} data-wait="turn" title={`waits on its turn in ${p.turnGroup}${p.turnSpeaker ? `: ${p.turnSpeaker} speaks` : ''}`}>
              {p.state} · on turn
            </span>
          ) : (
          <span className="rp-state" data-state={p.state} title={p.callTool ? `in ${p.callTool}` : p.waiting !== undefined ? `waiting${p.waiting ? ` for ${p.waiting}` : ''}` : undefined}>
            {p.state}
          </span>
          )
        )}
      </td>
      <td className="num">{p.turn}</td>
      <td title={`${p.contextTokens} of ${p.window} tokens, ${p.segments} segments`}>
        <span className="rp-bar" data-level={contextLevel(p.contextTokens, p.window)}>
          <i style={{ width: `${Math.min(100, (100 * p.contextTokens) / Math.max(p.window, 1))}%` }} />
        </span>
        {formatTokens(p.contextTokens)} / {formatTokens(p.window)}
      </td>
      <td className="num">{formatTokens(p.tokensIn)}</td>
      <td className="num">{formatTokens(p.tokensOut)}</td>
      <td className="num">{formatCost(p.cost)}</td>
    </tr>
  );
});

/**
 * The process table and run totals at the cursor: the kernel state after that event. At the
 * head of a run whose model is streaming, that agent shows as generating, with its tokens so far
 * (the tokenizer's estimate; its in/out columns take the provider's usage when the turn completes).
 */
export function ProcessTable() {
  const state = useStudio((s) => s.cursorState);
  const actor = useStudio((s) => (s.cursorState ? s.events[s.cursorState.seq]?.agent : undefined));
  const live = useStudio((s) => (s.cursor === s.head ? s.live : null));
  // Sub-agents under their spawner (the kernel's spawn tree); without spawns, the table's order.
  const tree = state ? spawnTree(state) : [];
  const procs = state ? tree.map((r) => state.procs[r.id]!) : [];
  const rows = useFixedRows<HTMLDivElement>(procs.length, PROC_ROW, -1, 6);
  if (!state) {
    return (
      <div className="rp-section" data-testid="process-table">
        <div className="rp-head">Processes</div>
        <div className="rp-empty">No state: the run has no events at the cursor.</div>
      </div>
    );
  }
  return (
    <div className="rp-section rp-procs" data-testid="process-table">
      <div className="rp-head" data-testid="process-head" data-seq={state.seq}>
        <span>Processes @ {state.seq}</span>
      </div>
      <div className="rp-totals" data-testid="run-totals" data-steps={state.steps} data-now={state.now}>
        <span><b>steps</b>{state.steps}</span>
        <span><b>tokens</b>{formatTokens(state.tokensIn)} in / {formatTokens(state.tokensOut)} out</span>
        <span><b>cost</b>{formatCost(state.cost)}</span>
        <span><b>time</b>{formatVt(state.now)}</span>
        {state.stopped && (
          <span className="rp-stop" data-testid="stop-reason" data-reason={state.stopped.reason}>
            <b>stopped</b>{state.stopped.reason}{state.stopped.detail ? ` · ${state.stopped.detail}` : ''}
          </span>
        )}
      </div>
      <div className="rp-scroll" ref={rows.ref} data-testid="process-scroll" data-rows={procs.length}>
      <table className="rp-table rp-proc-table">
        <thead>
          <tr>
            <th className="num">pid</th>
            <th>agent</th>
            <th>state</th>
            <th className="num">turn</th>
            <th>context</th>
            <th className="num">in</th>
            <th className="num">out</th>
            <th className="num">cost</th>
          </tr>
        </thead>
        <tbody>
          {procs.length === 0 && (
            <tr>
              <td colSpan={8} className="rp-empty">No process has been published yet.</td>
            </tr>
          )}
          {rows.start > 0 && <tr aria-hidden style={{ height: rows.start * PROC_ROW }} />}
          {procs.slice(rows.start, rows.end).map((p, i) => {
            const node = tree[rows.start + i]!;
            const gen = live?.find((g) => g.agent === p.id);
            const turn = waitsOnTurn(state, p.id);
            return (
              <ProcRow
                key={p.id}
                id={p.id}
                pid={p.pid}
                model={p.model}
                slot={p.slot}
                state={p.state}
                callTool={p.call?.tool}
                waiting={p.waiting ? (p.waiting.from ?? '') : undefined}
                turnGroup={turn?.group}
                turnSpeaker={turn ? (turn.speaker ?? '') : undefined}
                turn={p.turn}
                contextTokens={p.contextTokens}
                window={p.window}
                segments={p.context.length}
                tokensIn={p.tokensIn}
                tokensOut={p.tokensOut}
                cost={p.cost}
                actor={p.id === actor}
                genTurn={gen?.turn}
                genTokens={gen?.tokens}
                parent={node.parent}
                depth={node.depth}
                detached={node.detached}
              />
            );
          })}
          {rows.end < procs.length && <tr aria-hidden style={{ height: (procs.length - rows.end) * PROC_ROW }} />}
        </tbody>
      </table>
      </div>
    </div>
  );
}
