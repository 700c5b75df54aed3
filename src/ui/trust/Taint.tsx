/** Taint labels as badges: each names one untrusted source a value was derived from. */
export function TaintBadges({ taint }: { taint: readonly string[] }) {
  if (taint.length === 0) return null;
  return (
    <span className="tv-taints" title={`Derived from untrusted data: ${taint.join(', ')}`}>
      {taint.map((label) => (
        <span key={label} className="tv-taint" data-testid="taint-badge">
          tainted: {label}
        </span>
      ))}
    </span>
  );
}
