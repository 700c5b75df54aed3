import { formatAge, type SegmentRow } from './pageTable';

interface Props {
  rows: readonly SegmentRow[];
  selected: string | null;
  onSelect(id: string | null): void;
  testId?: string;
  rowTestId?: string;
  /** Only rows `start..end` (exclusive) exist in the DOM, spacers of `rowHeight` px stand for the rest (a long recall list). */
  shown?: { start: number; end: number; rowHeight: number };
}

/** The window's segments, one row each; a click shows the segment's text below. */
export function PageTable({ rows, selected, onSelect, testId = 'page-table', rowTestId = 'segment-row', shown }: Props) {
  const start = shown?.start ?? 0;
  const end = shown?.end ?? rows.length;
  const rowHeight = shown?.rowHeight ?? 0;
  return (
    <table className="rp-table mv-pages" data-testid={testId}>
      <thead>
        <tr>
          <th>id</th>
          <th>kind</th>
          <th className="num">tok</th>
          <th>source</th>
          <th>trust</th>
          <th title="validity: 0 known wrong … 1 known right">valid</th>
          <th title="verified · fact · pinned">marks</th>
          <th className="num">age</th>
          <th className="num" title="since its last read by an inference (reads)">read</th>
        </tr>
      </thead>
      <tbody>
        {start > 0 && <tr aria-hidden style={{ height: start * rowHeight }} />}
        {rows.slice(start, end).map((r) => (
          <tr
            key={r.id}
            data-testid={rowTestId}
            data-id={r.id}
            data-kind={r.kind}
            className={r.id === selected ? 'is-selected' : undefined}
            aria-selected={r.id === selected}
            onClick={() => onSelect(r.id === selected ? null : r.id)}
          >
            <td className="mv-id">{r.id}</td>
            <td><span className="mv-kind" data-kind={r.kind}>{r.kind}</span></td>
            <td className="num">{r.tokens}</td>
            <td className="mv-src" title={r.source}>{r.source}</td>
            <td className="mv-trust" data-trust={r.trust}>{r.trust === 'trusted' ? 'trusted' : 'untrusted'}</td>
            <td className="mv-valid" data-level={r.validityLevel}>
              <span className="mv-validity" data-level={r.validityLevel} title={`validity ${r.validity.toFixed(2)}`}>
                <i style={{ width: `${r.validity * 100}%` }} />
              </span>
              {r.validity.toFixed(2)}
              {r.validityBy && <span className="mv-why" data-testid="validity-why" title={r.validityBy.reason}> {r.validityBy.check}</span>}
            </td>
            <td className="mv-marks">
              <span title="verified">{r.verified ? '✓' : '·'}</span>
              <span title="fact: never evicted, kept by compaction">{r.fact ? 'F' : '·'}</span>
              <span title="pinned: never evicted">{r.pinned ? 'P' : '·'}</span>
            </td>
            <td className="num">{formatAge(r.age)}</td>
            <td className="num">{r.sinceRead === null ? 'never' : `${formatAge(r.sinceRead)} (${r.reads})`}</td>
          </tr>
        ))}
        {end < rows.length && <tr aria-hidden style={{ height: (rows.length - end) * rowHeight }} />}
      </tbody>
    </table>
  );
}
