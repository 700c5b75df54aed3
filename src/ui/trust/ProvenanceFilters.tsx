import { REVIEW_STATUSES, type ReviewStatus } from '../../kernel';
import { BY_PERSON, NO_FILTER, type ProvenanceFilter } from './provenance';

const REVIEW_TEXT: Record<ReviewStatus, string> = { unreviewed: 'unreviewed', approved: 'approved by a person', 'rolled-back': 'rolled back' };

/** The audit table's provenance filters: agent, model, authority, review status. */
export function ProvenanceFilters({ filter, options, onChange }: { filter: ProvenanceFilter; options: { agents: string[]; models: string[]; rules: string[] }; onChange(f: ProvenanceFilter): void }) {
  const set = (patch: Partial<ProvenanceFilter>) => onChange({ ...filter, ...patch });
  const value = (v: string) => (v === '' ? null : v);
  const active = filter.agent !== null || filter.model !== null || filter.authority !== null || filter.review !== null;
  return (
    <div className="tv-prov-filters" role="group" aria-label="Audit filters">
      <label>
        agent{' '}
        <select data-testid="audit-filter-agent" value={filter.agent ?? ''} onChange={(e) => set({ agent: value(e.target.value) })}>
          <option value="">any</option>
          {options.agents.map((a) => <option key={a} value={a}>{a}</option>)}
        </select>
      </label>
      <label>
        model{' '}
        <select data-testid="audit-filter-model" value={filter.model ?? ''} onChange={(e) => set({ model: value(e.target.value) })}>
          <option value="">any</option>
          {options.models.map((m) => <option key={m} value={m}>{m}</option>)}
        </select>
      </label>
      <label>
        authority{' '}
        <select data-testid="audit-filter-authority" value={filter.authority ?? ''} onChange={(e) => set({ authority: value(e.target.value) })}>
          <option value="">any</option>
          <option value={BY_PERSON}>approved by a person</option>
          {options.rules.map((r) => <option key={r} value={r}>rule {r}</option>)}
        </select>
      </label>
      <label>
        review{' '}
        <select data-testid="audit-filter-review" value={filter.review ?? ''} onChange={(e) => set({ review: value(e.target.value) as ReviewStatus | null })}>
          <option value="">any</option>
          {REVIEW_STATUSES.map((r) => <option key={r} value={r}>{REVIEW_TEXT[r]}</option>)}
        </select>
      </label>
      {active && <button type="button" onClick={() => onChange(NO_FILTER)}>Clear</button>}
    </div>
  );
}
