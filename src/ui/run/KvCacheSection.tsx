import { useMemo } from 'react';
import { kvCacheFigures } from '../../kernel';
import { useStudio } from '../../store';
import { formatTokens } from './format';

const percent = (r: number): string => `${(r * 100).toFixed(0)}%`;

/**
 * The prefix (KV) cache at the cursor, for a run whose model declares one: each model's fill and,
 * per agent, its hit rate (cached of prompt tokens) and the tokens of its window warm now. The
 * figures are the kernel's (state/kvCacheFigures.ts), the same /proc gives the agent.
 */
export function KvCacheSection() {
  const state = useStudio((s) => s.cursorState);
  const models = useMemo(() => (state ? kvCacheFigures(state) : []), [state]);
  if (models.length === 0) return null;
  return (
    <div className="rp-section" data-testid="kv-cache">
      <div className="rp-head">
        <span>Prompt cache</span>
      </div>
      <table className="rp-table">
        <thead>
          <tr>
            <th>agent</th>
            <th className="num">lookups</th>
            <th className="num">cached / prompt</th>
            <th className="num">hit rate</th>
            <th className="num">warm now</th>
          </tr>
        </thead>
        {models.map((m) => (
          <tbody key={m.model} data-model={m.model}>
            <tr>
              <td colSpan={5} className="rp-dim" data-testid="kv-cache-model" title={`${m.blocks} cached blocks`}>
                {m.model}: {formatTokens(m.used)} of {formatTokens(m.capacity)} tokens cached
              </td>
            </tr>
            {m.agents.map((a) => (
              <tr key={a.agent} data-testid="kv-cache-row" data-agent={a.agent} data-hit-rate={a.hitRate.toFixed(4)}>
                <td>{a.agent}</td>
                <td className="num">{a.lookups}</td>
                <td className="num">{formatTokens(a.cachedTokens)} / {formatTokens(a.promptTokens)}</td>
                <td className="num" data-testid="kv-hit-rate">{percent(a.hitRate)}</td>
                <td className="num">{formatTokens(a.warmTokens)}</td>
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </div>
  );
}
