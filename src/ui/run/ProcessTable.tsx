import { useStudio } from '../../store';
import { formatCost, formatTokens, formatVt } from './format';

function contextLevel(used: number, window: number): string {
  const r = window > 0 ? used / window : 0;
  return r >= 0.95 ? 'full' : r >= 0.75 ? 'high' : 'ok';
}

/**
 * The process table and run totals at the cursor: the kernel state after that event. At the
 * head of a run whose model is streaming, that agent shows as generating, with its tokens so far
 * (the tokenizer's estimate; its in/out columns take the provider's usage when the turn completes).
 */
export function ProcessTable() {
  const state = useStudio((s) => s.cursorState);
  const cursor = useStudio((s) => s.cursor);
  const actor = useStudio((s) => s.events[s.cursor]?.agent);
  const live = useStudio((s) => (s.cursor === s.head ? s.live : null));
  if (!state) {
    return (
      <div className="rp-section" data-testid="process-table">
        <div className="rp-head">Processes</div>
        <div className="rp-empty">No state: the run has no events at the cursor.</div>
      </div>
    );
  }
  const procs = state.order.map((id) => state.procs[id]).filter((p) => p !== undefined);
  return (
    <div className="rp-section rp-procs" data-testid="process-table">
      <div className="rp-head">
        <span>Processes @ {cursor}</span>
      </div>
      <div className="rp-totals" data-testid="run-totals">
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
      <div className="rp-scroll">
      <table className="rp-table">
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
          {procs.map((p) => {
            const gen = live?.find((g) => g.agent === p.id);
            return (
            <tr key={p.id} className={p.id === actor ? 'is-actor' : undefined} data-testid="process-row" data-agent={p.id} data-state={p.state} {...(gen ? { 'data-live': 'generating', 'data-live-tokens': gen.tokens } : {})}>
              <td className="num">{p.pid}</td>
              <td title={`${p.model}${p.slot >= 0 ? ` · slot ${p.slot}` : ''}`}>{p.id}</td>
              <td>
                {gen ? (
                  <span className="rp-state" data-state={p.state} data-live="generating" data-testid="live-state" title={`generating turn ${gen.turn}: ${gen.tokens} tokens so far (the tokenizer's estimate)`}>
                    generating · {formatTokens(gen.tokens)} tok
                  </span>
                ) : (
                <span className="rp-state" data-state={p.state} title={p.call ? `in ${p.call.tool}` : p.waiting ? `waiting${p.waiting.from ? ` for ${p.waiting.from}` : ''}` : undefined}>
                  {p.state}
                </span>
                )}
              </td>
              <td className="num">{p.turn}</td>
              <td title={`${p.contextTokens} of ${p.window} tokens, ${p.context.length} segments`}>
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
          })}
        </tbody>
      </table>
      </div>
    </div>
  );
}
