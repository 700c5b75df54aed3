/** Two runs side by side from a few events before their first difference, which is marked; each side opens in the debugger there. */
import type { KernelEvent } from '../../kernel';
import type { RunPair } from './openRun';

const BEFORE = 3;
const AFTER = 12;

function summary(e: KernelEvent | undefined): string {
  if (!e) return '(no event: the trace ended)';
  const { seq: _s, run: _r, t: _t, type: _type, ...rest } = e as KernelEvent & Record<string, unknown>;
  const text = JSON.stringify(rest);
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

function Side({ label, events, from, to, diff, onOpen }: { label: string; events: KernelEvent[]; from: number; to: number; diff: number | null; onOpen(seq: number): void }) {
  return (
    <div className="ex-pair__side">
      <div className="ex-row">
        <strong>{label}</strong>
        <span className="hs-muted">{events.length} events</span>
        <button type="button" className="hs-btn hs-btn--small" onClick={() => onOpen(events[Math.min(diff ?? events.length - 1, events.length - 1)]?.seq ?? 0)} data-testid="pair-open">
          Open at {diff === null ? 'the end' : 'the difference'}
        </button>
      </div>
      <ol className="ex-pair__events" start={from}>
        {Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k).map((i) => {
          const e = events[i];
          return (
            <li key={i} className={i === diff ? 'is-diff' : undefined} data-testid={i === diff ? 'pair-first-diff' : undefined}>
              <span className="hs-mono">#{i}</span> <strong>{e?.type ?? '—'}</strong> <span className="hs-muted">{summary(e)}</span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}

export function RunPairView({ pair, labels, onOpen, onClose }: { pair: RunPair; labels: [string, string]; onOpen(which: 'a' | 'b', seq: number): void; onClose(): void }) {
  const at = pair.firstDiff;
  const from = Math.max(0, (at ?? Math.max(pair.a.events.length, pair.b.events.length)) - BEFORE);
  const to = Math.min(Math.max(pair.a.events.length, pair.b.events.length), (at ?? from) + AFTER);
  return (
    <section className="ex-pair" data-testid="run-pair" data-first-diff={at ?? ''}>
      <div className="ex-row">
        <strong>Side by side</strong>
        <span>{at === null ? 'The two traces are identical.' : `They first differ at event #${at}.`}</span>
        <button type="button" className="hs-btn hs-btn--small hs-btn--ghost" onClick={onClose} aria-label="Close the comparison">
          ✕
        </button>
      </div>
      <div className="ex-pair__cols">
        <Side label={labels[0]} events={pair.a.events} from={from} to={to} diff={at} onOpen={(s) => onOpen('a', s)} />
        <Side label={labels[1]} events={pair.b.events} from={from} to={to} diff={at} onOpen={(s) => onOpen('b', s)} />
      </div>
    </section>
  );
}
