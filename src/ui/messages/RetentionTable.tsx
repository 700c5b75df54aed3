import type { EdgeRetention, RetentionChain } from './sequence';

const percent = (ratio: number | null): string => (ratio === null ? '—' : `${Math.round(ratio * 100)}%`);

/**
 * How many tracked facts each edge carried intact, summed over its messages, and end to end
 * over the longest chain of edges. Fact texts are run data: rendered as text.
 */
export function RetentionTable({ edges, chain }: { edges: readonly EdgeRetention[]; chain: RetentionChain | null }) {
  if (edges.length === 0) return <div className="rp-empty">No message has tracked facts before the cursor.</div>;
  return (
    <table className="rp-table mg-ret-table" data-testid="retention-table">
      <thead>
        <tr>
          <th>edge</th>
          <th className="num">msgs</th>
          <th className="num">tracked</th>
          <th className="num">arrived</th>
          <th className="num">ratio</th>
          <th>lost facts</th>
        </tr>
      </thead>
      <tbody>
        {edges.map((e) => (
          <tr key={`${e.from}\u0000${e.to}`} data-testid={`retention-row-${e.from}-${e.to}`} data-lost={e.lost.length > 0 || undefined}>
            <td>{e.from} → {e.to}</td>
            <td className="num">{e.messages}</td>
            <td className="num">{e.tracked}</td>
            <td className="num">{e.arrived}</td>
            <td className="num">{percent(e.ratio)}</td>
            <td className="mg-lost">{e.lost.length === 0 ? '—' : e.lost.join(', ')}</td>
          </tr>
        ))}
        {chain && (
          <tr className="mg-chain" data-testid="retention-chain" data-lost={chain.survived.length < chain.tracked.length || undefined}>
            <td title="The longest chain of edges that tracked facts: the facts tracked on its first edge that arrived over every hop">{chain.path.join(' → ')}</td>
            <td className="num">end to end</td>
            <td className="num">{chain.tracked.length}</td>
            <td className="num">{chain.survived.length}</td>
            <td className="num">{percent(chain.ratio)}</td>
            <td className="mg-lost">{chain.tracked.filter((f) => !chain.survived.includes(f)).join(', ') || '—'}</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
