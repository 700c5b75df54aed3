/**
 * The experiment's definition: variants (the base document plus named patches, each shown as a
 * diff against the base; a field path and value for common edits, raw JSON Patch for the
 * rest), seeds (K, or adaptive until an interval is narrow enough), an optional dataset
 * (pasted or uploaded JSONL/CSV rows bound into the document) and the metrics. The kernel
 * judges the whole file: its problems show with their paths.
 */
import { useState } from 'react';
import type { ExperimentFileInput, PatchOp } from '../../kernel';
import { applyPatch } from '../../kernel';
import { fieldEdit, freshVariantId, parseDatasetText, parsePatchText, variantDiff, type DiffLine, type EditableExperiment } from './definition';
import { editFile, useExperiments } from './session';

type Variant = EditableExperiment['variants'][number];
type Metric = NonNullable<ExperimentFileInput['metrics']>[number];

const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 80 ? `${s.slice(0, 79)}…` : s;
};

function Diff({ lines }: { lines: DiffLine[] | string }) {
  if (typeof lines === 'string') return <p className="ex-error">{lines}</p>;
  if (lines.length === 0) return <p className="hs-muted ex-diff__none">Same as the base document.</p>;
  return (
    <ul className="ex-diff" data-testid="variant-diff">
      {lines.map((l, i) => (
        <li key={i} data-kind={l.kind}>
          <code>{l.path}</code>{' '}
          {l.kind === 'removed' ? (
            <del>{show(l.before)}</del>
          ) : l.kind === 'added' ? (
            <ins>{show(l.after)}</ins>
          ) : (
            <>
              <del>{show(l.before)}</del> → <ins>{show(l.after)}</ins>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

function VariantCard({ file, variant, index, locked }: { file: EditableExperiment; variant: Variant; index: number; locked: boolean }) {
  const [path, setPath] = useState('');
  const [value, setValue] = useState('');
  const [raw, setRaw] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const patch = (variant.patch ?? []) as PatchOp[];
  const setVariant = (next: Partial<Variant>) => editFile((f) => ({ ...f, variants: f.variants.map((v, i) => (i === index ? { ...v, ...next } : v)) }));
  const addField = () => {
    const current = applyPatch(file.base, patch);
    const op = fieldEdit(current.ok ? current.value : file.base, path, value);
    if (typeof op === 'string') return setProblem(op);
    setProblem(null);
    setVariant({ patch: [...patch, op] });
    setPath('');
    setValue('');
  };
  const applyRaw = () => {
    if (raw === null) return;
    const ops = parsePatchText(raw);
    if (typeof ops === 'string') return setProblem(ops);
    setProblem(null);
    setVariant({ patch: ops });
    setRaw(null);
  };
  return (
    <section className="ex-variant" data-testid={`variant-${variant.id}`}>
      <div className="ex-row">
        <input className="ex-input ex-input--id" aria-label="Variant id" value={variant.id} disabled={locked} onChange={(e) => setVariant({ id: e.target.value })} />
        <input className="ex-input ex-grow" aria-label="Variant name" placeholder="what this variant changes" value={variant.name ?? ''} disabled={locked} onChange={(e) => setVariant({ name: e.target.value || undefined })} />
        <button type="button" className="hs-btn hs-btn--small hs-btn--ghost" disabled={locked || file.variants.length === 1} onClick={() => editFile((f) => ({ ...f, variants: f.variants.filter((_, i) => i !== index) }))} title="Remove this variant">
          ✕
        </button>
      </div>
      <Diff lines={variantDiff(file.base, patch)} />
      {!locked && (
        <>
          <div className="ex-row">
            <input className="ex-input ex-grow" aria-label="Field path" placeholder="field, e.g. policy.taint or agents[0].model" value={path} onChange={(e) => setPath(e.target.value)} data-testid="field-path" />
            <input className="ex-input" aria-label="Field value" placeholder="value (JSON or text)" value={value} onChange={(e) => setValue(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && addField()} data-testid="field-value" />
            <button type="button" className="hs-btn hs-btn--small" onClick={addField} disabled={path.trim() === ''} data-testid="field-set">
              Set
            </button>
            <button type="button" className="hs-btn hs-btn--small hs-btn--ghost" onClick={() => setRaw(raw === null ? JSON.stringify(patch, null, 2) : null)} aria-expanded={raw !== null} data-testid="raw-patch-toggle">
              JSON Patch
            </button>
          </div>
          {raw !== null && (
            <div className="ex-raw">
              <textarea className="ex-textarea" aria-label="JSON Patch" spellCheck={false} value={raw} onChange={(e) => setRaw(e.target.value)} rows={Math.min(12, raw.split('\n').length + 1)} data-testid="raw-patch" />
              <button type="button" className="hs-btn hs-btn--small" onClick={applyRaw} data-testid="raw-patch-apply">
                Apply patch
              </button>
            </div>
          )}
          {problem && <p className="ex-error">{problem}</p>}
        </>
      )}
    </section>
  );
}

function SeedsEditor({ file, locked }: { file: EditableExperiment; locked: boolean }) {
  const seeds = file.seeds as { count?: number; from?: number; until?: { metric: string; width: number }; max?: number; batch?: number };
  const adaptive = seeds.until !== undefined;
  const metricIds = (file.metrics ?? []).map((m) => m.id ?? m.kind);
  const set = (s: EditableExperiment['seeds']) => editFile((f) => ({ ...f, seeds: s }));
  const num = (text: string, fallback: number) => (Number.isFinite(Number(text)) && text.trim() !== '' ? Number(text) : fallback);
  return (
    <fieldset className="ex-fieldset" disabled={locked} data-testid="seeds-editor">
      <legend>Seeds</legend>
      <div className="ex-row">
        <label>
          <input type="radio" checked={!adaptive} onChange={() => set({ count: seeds.max ?? 20, from: seeds.from ?? 1 })} /> K seeds
        </label>
        <label>
          <input type="radio" checked={adaptive} onChange={() => set({ until: { metric: metricIds[0] ?? 'pass', width: 0.2 }, max: seeds.count ?? 100, batch: 10, from: seeds.from ?? 1 })} data-testid="seeds-adaptive" /> until the interval is narrower than…
        </label>
      </div>
      {!adaptive ? (
        <div className="ex-row">
          <label>
            K <input className="ex-input ex-input--num" type="number" min={1} value={seeds.count ?? 20} onChange={(e) => set({ count: num(e.target.value, 1), from: seeds.from ?? 1 })} data-testid="seeds-count" />
          </label>
          <label>
            from seed <input className="ex-input ex-input--num" type="number" min={0} value={seeds.from ?? 1} onChange={(e) => set({ count: seeds.count ?? 20, from: num(e.target.value, 1) })} />
          </label>
        </div>
      ) : (
        <div className="ex-row">
          <label>
            metric{' '}
            <select value={seeds.until!.metric} onChange={(e) => set({ ...seeds, until: { ...seeds.until!, metric: e.target.value }, max: seeds.max ?? 100 } as EditableExperiment['seeds'])}>
              {metricIds.map((id) => (
                <option key={id}>{id}</option>
              ))}
            </select>
          </label>
          <label>
            width <input className="ex-input ex-input--num" type="number" step="0.01" min={0} value={seeds.until!.width} onChange={(e) => set({ ...seeds, until: { ...seeds.until!, width: num(e.target.value, 0.2) }, max: seeds.max ?? 100 } as EditableExperiment['seeds'])} data-testid="seeds-width" />
          </label>
          <label>
            batch <input className="ex-input ex-input--num" type="number" min={1} value={seeds.batch ?? 10} onChange={(e) => set({ ...seeds, batch: num(e.target.value, 10), max: seeds.max ?? 100 } as EditableExperiment['seeds'])} />
          </label>
          <label>
            at most <input className="ex-input ex-input--num" type="number" min={1} value={seeds.max ?? 100} onChange={(e) => set({ ...seeds, max: num(e.target.value, 100) } as EditableExperiment['seeds'])} />
          </label>
        </div>
      )}
    </fieldset>
  );
}

function DatasetEditor({ file, locked }: { file: EditableExperiment; locked: boolean }) {
  const [text, setText] = useState('');
  const [bind, setBind] = useState(JSON.stringify(file.dataset?.bind ?? [{ op: 'replace', path: '/agents/0/prompt', value: '{{prompt}}' }], null, 2));
  const [problem, setProblem] = useState<string | null>(null);
  const rows = file.dataset?.rows;
  const use = (body: string, name: string) => {
    const parsed = parseDatasetText(body, name);
    if (typeof parsed === 'string') return setProblem(parsed);
    const ops = parsePatchText(bind);
    if (typeof ops === 'string') return setProblem(`bind: ${ops}`);
    setProblem(null);
    editFile((f) => ({ ...f, dataset: { ...(f.dataset?.id ? { id: f.dataset.id } : {}), rows: parsed, bind: ops as NonNullable<EditableExperiment['dataset']>['bind'] } }));
  };
  return (
    <fieldset className="ex-fieldset" disabled={locked} data-testid="dataset-editor">
      <legend>Dataset (optional)</legend>
      {rows ? (
        <p>
          {rows.length} row{rows.length === 1 ? '' : 's'}, fields {Object.keys(rows[0] ?? {}).join(', ')}.{' '}
          <button type="button" className="hs-btn hs-btn--small" onClick={() => editFile(({ dataset: _d, ...f }) => f as EditableExperiment)}>
            Remove dataset
          </button>
        </p>
      ) : (
        <p className="hs-muted">Rows of inputs (JSONL or CSV) bound into the document by a JSON Patch whose values may name a row's fields as {'{{field}}'}; every variant runs on every row.</p>
      )}
      <textarea className="ex-textarea" rows={3} aria-label="Dataset rows" placeholder={'{"prompt": "…"}  (JSONL)   or   prompt,expected  (CSV)'} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
      <label className="ex-stack">
        bind (JSON Patch)
        <textarea className="ex-textarea" rows={3} aria-label="Dataset bind patch" value={bind} onChange={(e) => setBind(e.target.value)} spellCheck={false} />
      </label>
      <div className="ex-row">
        <button type="button" className="hs-btn hs-btn--small" disabled={text.trim() === ''} onClick={() => use(text, 'pasted rows')}>
          Use pasted rows
        </button>
        <label className="hs-btn hs-btn--small">
          Upload JSONL/CSV…
          <input
            type="file"
            accept=".jsonl,.csv,.txt,application/json,text/csv"
            className="hs-visually-hidden"
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void f.text().then((t) => use(t, f.name));
            }}
          />
        </label>
      </div>
      {problem && <p className="ex-error">{problem}</p>}
    </fieldset>
  );
}

const METRIC_KINDS: readonly { kind: Metric['kind']; label: string; needs?: readonly string[] }[] = [
  { kind: 'goals', label: 'all goals met' },
  { kind: 'goal', label: 'one goal met', needs: ['goal'] },
  { kind: 'cost', label: 'cost' },
  { kind: 'tokensIn', label: 'tokens in' },
  { kind: 'tokensOut', label: 'tokens out' },
  { kind: 'steps', label: 'steps' },
  { kind: 'events', label: 'events' },
  { kind: 'time', label: 'virtual time' },
  { kind: 'stopReason', label: 'stop reason' },
  { kind: 'retention', label: 'fact retention over an edge', needs: ['from', 'to'] },
  { kind: 'waitP95', label: 'wait p95', needs: ['agent'] },
  { kind: 'deadlineMisses', label: 'deadline misses', needs: ['agent'] },
  { kind: 'attack', label: 'attack success (a tool ran with…)', needs: ['tool', 'contains'] },
];

function MetricsEditor({ file, locked }: { file: EditableExperiment; locked: boolean }) {
  const [kind, setKind] = useState<Metric['kind']>('goals');
  const [params, setParams] = useState<Record<string, string>>({});
  const [id, setId] = useState('');
  const metrics = file.metrics ?? [];
  const needs = METRIC_KINDS.find((k) => k.kind === kind)?.needs ?? [];
  const add = () => {
    const m: Record<string, unknown> = { kind };
    if (id.trim()) m.id = id.trim();
    for (const n of needs) if ((params[n] ?? '').trim()) m[n] = params[n]!.trim();
    editFile((f) => ({ ...f, metrics: [...(f.metrics ?? []), m as Metric] }));
    setParams({});
    setId('');
  };
  return (
    <fieldset className="ex-fieldset" disabled={locked} data-testid="metrics-editor">
      <legend>Metrics</legend>
      <ul className="ex-metrics">
        {metrics.map((m, i) => (
          <li key={i}>
            <code>{m.id ?? m.kind}</code> <span className="hs-muted">{m.kind}{Object.entries(m).filter(([k]) => !['id', 'kind', 'name'].includes(k)).map(([k, v]) => ` ${k}=${String(v)}`).join('')}</span>{' '}
            <button type="button" className="hs-btn hs-btn--small hs-btn--ghost" onClick={() => editFile((f) => ({ ...f, metrics: (f.metrics ?? []).filter((_, j) => j !== i) }))} title="Remove this metric" disabled={metrics.length === 1}>
              ✕
            </button>
          </li>
        ))}
      </ul>
      <div className="ex-row">
        <select aria-label="Metric kind" value={kind} onChange={(e) => setKind(e.target.value as Metric['kind'])}>
          {METRIC_KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
        {needs.map((n) => (
          <input key={n} className="ex-input ex-input--num" placeholder={n} aria-label={`Metric ${n}`} value={params[n] ?? ''} onChange={(e) => setParams({ ...params, [n]: e.target.value })} />
        ))}
        <input className="ex-input ex-input--num" placeholder="id (optional)" aria-label="Metric id" value={id} onChange={(e) => setId(e.target.value)} />
        <button type="button" className="hs-btn hs-btn--small" onClick={add}>
          Add metric
        </button>
      </div>
    </fieldset>
  );
}

export function DefinitionPanel() {
  const file = useExperiments((s) => s.file);
  const prepared = useExperiments((s) => s.prepared);
  const locked = useExperiments((s) => s.phase !== 'idle');
  if (!file) return null;
  return (
    <div className="ex-definition" data-testid="exp-definition">
      <label className="ex-stack">
        Name
        <input className="ex-input" value={file.name} disabled={locked} onChange={(e) => editFile((f) => ({ ...f, name: e.target.value }))} data-testid="exp-name" />
      </label>
      <h3 className="ex-h3">
        Variants <span className="hs-muted">(each a patch over the base document, shown as its diff)</span>
      </h3>
      {file.variants.map((v, i) => (
        <VariantCard key={i} file={file} variant={v} index={i} locked={locked} />
      ))}
      {!locked && (
        <button type="button" className="hs-btn hs-btn--small" onClick={() => editFile((f) => ({ ...f, variants: [...f.variants, { id: freshVariantId(f), patch: [] }] }))} data-testid="add-variant">
          Add variant
        </button>
      )}
      <SeedsEditor file={file} locked={locked} />
      <DatasetEditor file={file} locked={locked} />
      <MetricsEditor file={file} locked={locked} />
      {prepared && !prepared.ok && (
        <ul className="ex-issues" data-testid="exp-issues" role="alert">
          {prepared.issues.map((i, n) => (
            <li key={n}>{i.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
