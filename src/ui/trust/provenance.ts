/**
 * Provenance as the audit table and the artifact history show it: the kernel's records
 * (kernel/provenance, kept by the run's projection) described with the run's own document,
 * labelled and filtered. The UI restates no kernel rule: statuses come from reviewAt, the
 * document's facts from describeChange.
 */
import { describeChange, parseHarness, reviewAt, type AuditRow, type ChangeRecord, type DescribedChange, type HarnessSpec, type ReviewStatus } from '../../kernel';

/** What the audit table is narrowed to; null: any. */
export interface ProvenanceFilter {
  agent: string | null;
  model: string | null;
  /** `person`: approved by a person (directly or by a rule they remembered); else an authority label. */
  authority: string | null;
  review: ReviewStatus | null;
}

export const NO_FILTER: ProvenanceFilter = Object.freeze({ agent: null, model: null, authority: null, review: null });

/** The authority filter's value for changes a person approved. */
export const BY_PERSON = 'person';

const specs = new WeakMap<object, HarnessSpec | null>();

/** The run's own document, parsed once per document object (null when it does not parse). */
export function runSpec(doc: unknown): HarnessSpec | null {
  if (typeof doc !== 'object' || doc === null) return null;
  let s = specs.get(doc);
  if (s === undefined) {
    const r = parseHarness(doc);
    specs.set(doc, (s = r.ok ? r.spec : null));
  }
  return s;
}

/** `sim · Sim · harness-sim/1`: provider, declared name (or id), reported version. */
export function modelLabel(d: DescribedChange): string {
  if (!d.model) return '—';
  return [d.model.provider, d.model.name ?? d.model.id, d.model.reported ?? 'no version reported'].join(' · ');
}

/** The model filter's key: the model's id and its reported version. */
export function modelKey(d: DescribedChange): string | null {
  return d.model ? `${d.model.id} · ${d.model.reported ?? 'unreported'}` : null;
}

/** `rule session-1 (session) · handle h2 · approved by a person at #43`. */
export function authorityLabel(r: ChangeRecord): string {
  const a = r.authority;
  const by = a.approvedBy === null ? '' : a.approvedBy.remembered !== null && a.module !== 'human' ? `rule a person remembered at #${a.approvedBy.seq}` : `approved by a person at #${a.approvedBy.seq}`;
  return [`${a.rule}${a.scope && a.scope !== a.rule ? ` (${a.scope})` : ''}`, a.handle && `handle ${a.handle}`, by].filter(Boolean).join(' · ');
}

/** What the window held when the model decided: `system, agent:writer, tool:web_fetch (untrusted)`. */
export function inputsLabel(r: ChangeRecord): string {
  const sources = r.inputs.sources;
  if (sources === null) return 'window not known';
  return sources.map((s) => `${s.source}${s.trust === 'untrusted' ? ' (untrusted)' : ''}`).join(', ') || 'empty window';
}

/** `a3f…9c0 signed` / `a3f…9c0 unsigned`: the prompt digest, shortened, and whether a signature checked it. */
export function promptLabel(d: DescribedChange): string {
  const digest = d.who.promptDigest;
  if (digest === null) return 'no prompt in the document';
  const short = `${digest.slice(0, 8)}…`;
  return d.who.digestFrom === 'signature' ? `${short} ${d.who.signed ? 'signed' : 'signature MISMATCH'}` : `${short} unsigned`;
}

/** The described change of an audit row at the cursor (a row whose operation made a change), or null. */
export function changeOfRow(row: AuditRow, records: (seq: number) => ChangeRecord | undefined, spec: HarnessSpec | null): DescribedChange | null {
  const r = records(row.seq);
  return r && spec ? describeChange(r, spec) : null;
}

/** True when the row passes the filter (provenance filters drop rows that made no change). */
export function passes(row: AuditRow, d: DescribedChange | null, f: ProvenanceFilter, cursor: number): boolean {
  if (f.agent !== null && row.agent !== f.agent) return false;
  if (f.model === null && f.authority === null && f.review === null) return true;
  if (!d) return false;
  if (f.model !== null && modelKey(d) !== f.model) return false;
  if (f.authority !== null && (f.authority === BY_PERSON ? d.record.authority.approvedBy === null : d.record.authority.rule !== f.authority)) return false;
  return f.review === null || reviewAt(d.record, cursor) === f.review;
}

/** The distinct values the filters offer, in order of first appearance. */
export function filterOptions(rows: readonly AuditRow[], described: readonly (DescribedChange | null)[]): { agents: string[]; models: string[]; rules: string[] } {
  const agents = new Set<string>();
  const models = new Set<string>();
  const rules = new Set<string>();
  rows.forEach((row, i) => {
    agents.add(row.agent);
    const d = described[i];
    if (!d) return;
    const m = modelKey(d);
    if (m !== null) models.add(m);
    rules.add(d.record.authority.rule);
  });
  return { agents: [...agents], models: [...models], rules: [...rules] };
}
