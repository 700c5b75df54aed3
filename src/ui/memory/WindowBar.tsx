import type { WindowBar as Bar } from './windowBar';
import { formatTokens } from '../run/format';

const pct = (x: number): string => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;

/** The context window as a stacked bar by segment kind, with the warn and compact thresholds marked. */
export function WindowBar({ bar }: { bar: Bar }) {
  const at = (share: number): string => `${Math.min(100, (share * bar.window * 100) / bar.scale)}%`;
  return (
    <div className="mv-barbox">
      <div className="mv-barnums">
        <span data-testid="memory-used">
          {formatTokens(bar.used)} / {formatTokens(bar.window)} tok · {pct(bar.share)}
        </span>
        <span className="mv-level" data-level={bar.level}>{bar.level}</span>
        <span className="rp-spacer" />
        <span className="rp-dim">free {formatTokens(bar.free)}</span>
      </div>
      <div className="mv-bar" data-testid="memory-bar" data-used={bar.used} data-window={bar.window} role="img" aria-label={`Context window ${pct(bar.share)} used`}>
        {bar.parts.map((p) => (
          <i
            key={p.kind}
            className="mv-part"
            data-kind={p.kind}
            data-tokens={p.tokens}
            data-share={p.share.toFixed(4)}
            style={{ width: `${(p.tokens * 100) / bar.scale}%` }}
            title={`${p.kind}: ${p.tokens} tok in ${p.count} segment${p.count === 1 ? '' : 's'} · ${pct(p.share)} of the window`}
          >
            {p.kind} {p.tokens} · {pct(p.share)}
          </i>
        ))}
        {bar.scale > bar.window && <b className="mv-overflow" style={{ left: at(1) }} title="window size" />}
        <b className="mv-mark" data-mark="warn" style={{ left: at(bar.warnAt) }} title={`warn at ${pct(bar.warnAt)}`} />
        <b className="mv-mark" data-mark="compact" style={{ left: at(bar.compactAt) }} title={`compact at ${pct(bar.compactAt)}`} />
      </div>
      <div className="mv-legend">
        {bar.parts.map((p) => (
          <span key={p.kind} className="mv-legend-item" data-kind={p.kind}>
            <i />
            {p.kind} {formatTokens(p.tokens)} · {pct(p.share)}
          </span>
        ))}
        <span className="mv-legend-item rp-dim">▏warn {pct(bar.warnAt)} ▏compact {pct(bar.compactAt)}</span>
      </div>
    </div>
  );
}
