import { useStudio } from '../../store';
import { formatTokens } from './format';

/** Characters of a generation's text shown (its end: what the model is saying now). */
const SHOWN_CHARS = 200;

/**
 * One trailing row per MCP call reporting progress now (the server's last report), and under the event log: the agent, its token
 * count so far and the end of what it has said. Ephemeral (not events of the trace): the row goes
 * when the turn's infer.completed arrives, and the log then holds the answer.
 */
export function LiveRows() {
  const live = useStudio((s) => s.live);
  const calls = useStudio((s) => s.liveCalls);
  if (live.length === 0 && calls.length === 0) return null;
  return (
    <div className="rp-live" data-testid="live-rows" aria-live="polite" aria-label="Generations streaming now">
      {calls.map((c) => (
        <div key={c.callId} className="rp-live-row" data-testid="live-call" data-agent={c.agent} data-call={c.callId} data-progress={c.progress}>
          <span className="rp-live-head">
            {c.agent} · {c.server}/{c.tool} running
          </span>
          <span className="rp-live-text">
            <progress max={c.total ?? undefined} value={c.total !== undefined ? c.progress : undefined} aria-label={`${c.tool} progress`} /> {c.total !== undefined ? `${c.progress} / ${c.total}` : `${c.progress}`}
          </span>
        </div>
      ))}
      {live.map((g) => {
        const text = g.text.length > SHOWN_CHARS ? `…${g.text.slice(g.text.length - SHOWN_CHARS)}` : g.text;
        return (
          <div key={`${g.agent}/${g.turn}`} className="rp-live-row" data-testid="live-row" data-agent={g.agent} data-turn={g.turn} data-tokens={g.tokens}>
            <span className="rp-live-head" data-testid="live-row-head">
              {g.agent} · streaming · {formatTokens(g.tokens)} tokens
            </span>
            <span className="rp-live-text" data-testid="live-row-text">{text}</span>
          </div>
        );
      })}
    </div>
  );
}
