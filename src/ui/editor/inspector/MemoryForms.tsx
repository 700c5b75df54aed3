/**
 * The memory fields of the inspector: an agent's window, pressure thresholds, eviction policy
 * and core memory blocks; a store's documents. Every edit is one labelled undo entry.
 */
import { useEffect, useId, useState } from 'react';
import { specDefaults } from '../../../kernel';
import { isRecord, str, type Rec } from '../docModel';
import { CheckField, IssueList, NumberField, Section, SelectField, TextField } from './fields';
import type { EntityEdit } from './useEntityEdit';
import { defaultChoice, placeholderOf } from './shownDefault';
import './memoryForms.css';

const EVICTIONS = ['lru', 'lru-k', 'fifo', 'quality'];
/** What each policy evicts first, as the field's hint. */
const EVICTION_HINT: Record<string, string> = {
  lru: 'least recently read',
  'lru-k': 'oldest k-th last read',
  fifo: 'oldest in the window',
  quality: 'least valid, untrusted',
};
/** Memory fields placed by the section; other `memory.*` issues are listed after it. */
const MEMORY_PLACED = ['memory.window', 'memory.warnAt', 'memory.compactAt', 'memory.eviction', 'memory.k'];
const DEFAULT_WARN = 0.75;
const DEFAULT_COMPACT = 0.9;

/** A 0..1 share shown as a percentage without float noise (0.07 → 7, not 7.000000000000001). */
const MEMORY = specDefaults.memory;
const toPercent = (v: unknown): unknown => (typeof v === 'number' ? Math.round(v * 1e4) / 100 : v);
const fromPercent = (v: number | undefined): number | undefined => (v === undefined ? undefined : Math.round(v * 100) / 1e4);

export function MemorySection({ edit, memory }: { edit: EntityEdit; memory: Rec }) {
  const { entity, set, at } = edit;
  const eviction = str(memory.eviction, MEMORY.eviction);
  const blocks = Array.isArray(memory.coreBlocks) ? (memory.coreBlocks as unknown[]) : [];
  const warn = typeof memory.warnAt === 'number' ? memory.warnAt : DEFAULT_WARN;
  const compact = typeof memory.compactAt === 'number' ? memory.compactAt : DEFAULT_COMPACT;
  const setBlocks = (next: unknown[], label: string): void => set(['memory', 'coreBlocks'], next.length > 0 ? next : undefined, label);
  const addBlock = (): void => {
    const used = new Set(blocks.map((b) => (isRecord(b) ? b.label : undefined)));
    const label = ['persona', 'human', 'task', 'notes'].find((l) => !used.has(l)) ?? `block${blocks.length + 1}`;
    setBlocks([...blocks, { label, value: '', limit: 2000 }], `Add core block ${label} to ${entity.id}`);
  };

  return (
    <Section title="Memory">
      <div className="hs-grid2">
        <NumberField label="Window" hint="tokens" value={memory.window} min={256} step={256} placeholder="model's" onChange={(v) => set(['memory', 'window'], v, 'Set memory window')} issues={at('memory.window')} testId="field-memory-window" />
        <SelectField label="Eviction" value={memory.eviction} hint={EVICTION_HINT[eviction]} options={EVICTIONS} empty={defaultChoice(MEMORY.eviction)} onChange={(v) => set(['memory', 'eviction'], v, 'Set eviction policy')} issues={at('memory.eviction')} testId="field-memory-eviction" />
        <NumberField label="Warn at" hint="% of window" value={toPercent(memory.warnAt)} min={0} max={100} step={5} placeholder={placeholderOf(toPercent(MEMORY.warnAt) as number)} onChange={(v) => set(['memory', 'warnAt'], fromPercent(v), 'Set memory warn threshold')} issues={at('memory.warnAt')} testId="field-memory-warn" />
        <NumberField label="Compact at" hint="% of window" value={toPercent(memory.compactAt)} min={0} max={100} step={5} placeholder={placeholderOf(toPercent(MEMORY.compactAt) as number)} onChange={(v) => set(['memory', 'compactAt'], fromPercent(v), 'Set memory compact threshold')} issues={at('memory.compactAt')} testId="field-memory-compact" />
        {eviction === 'lru-k' && (
          <NumberField label="k" hint="reads remembered, 1–16" value={memory.k} min={1} max={16} step={1} placeholder={placeholderOf(MEMORY.k)} onChange={(v) => set(['memory', 'k'], v, 'Set lru-k k')} issues={at('memory.k')} testId="field-memory-k" />
        )}
      </div>
      {warn >= compact && (
        <p className="hs-mem-note" data-testid="memory-threshold-note">
          Warn ({Math.round(warn * 100)}%) is not below compact ({Math.round(compact * 100)}%): the warning will never be seen before compaction.
        </p>
      )}
      <div className="hs-mem-sub">
        <span className="hs-field__label">Core blocks<span className="hs-field__hint">pinned in the window</span></span>
        <button type="button" className="hs-btn hs-btn--small" data-testid="add-core-block" onClick={addBlock}>+ Block</button>
      </div>
      {blocks.length === 0 && <p className="hs-muted">None.</p>}
      <ul className="hs-mem-list" data-testid="core-blocks">
        {blocks.map((b, i) => {
          const block = isRecord(b) ? b : {};
          const label = str(block.label, `#${i}`);
          const value = str(block.value);
          const limit = typeof block.limit === 'number' ? block.limit : specDefaults.coreBlock.limit;
          return (
            <li key={i} className="hs-mem-card" data-testid="core-block">
              <div className="hs-mem-row">
                <TextField label="Label" value={block.label} onChange={(v) => set(['memory', 'coreBlocks', i, 'label'], v, 'Rename core block')} issues={at(`memory.coreBlocks[${i}].label`)} testId="core-block-label" />
                <NumberField label="Limit" hint="chars" value={block.limit} min={1} step={100} placeholder={placeholderOf(specDefaults.coreBlock.limit)} onChange={(v) => set(['memory', 'coreBlocks', i, 'limit'], v, `Set ${label} limit`)} issues={at(`memory.coreBlocks[${i}].limit`)} />
                <button type="button" className="hs-btn hs-btn--icon hs-btn--ghost" aria-label={`Remove core block ${label}`} title="Remove" onClick={() => setBlocks(blocks.filter((_, j) => j !== i), `Remove core block ${label} from ${entity.id}`)}>
                  ×
                </button>
              </div>
              <TextField label="Value" hint={`${value.length} / ${limit}${value.length > limit ? ' — over the limit' : ''}`} value={block.value} onChange={(v) => set(['memory', 'coreBlocks', i, 'value'], v, `Edit core block ${label}`)} issues={at(`memory.coreBlocks[${i}].value`)} multiline testId="core-block-value" />
            </li>
          );
        })}
      </ul>
      <IssueList showPath issues={at('memory').filter((i) => !MEMORY_PLACED.includes(i.path) && !/^memory\.coreBlocks\[\d+\]\.(label|value|limit)$/.test(i.path))} />
    </Section>
  );
}

/** Comma-separated tags, kept as typed while they parse to the same list (so "a, " can become "a, b"). */
function TagsField({ value, onChange }: { value: unknown; onChange(tags: string[] | undefined): void }) {
  const id = useId();
  const tags = Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
  const joined = tags.join(', ');
  const [text, setText] = useState(joined);
  const parse = (t: string): string[] => t.split(',').map((x) => x.trim()).filter((x) => x !== '');
  useEffect(() => setText((t) => (parse(t).join(', ') === joined ? t : joined)), [joined]);
  return (
    <div className="hs-field">
      <label className="hs-field__label" htmlFor={id}>Tags<span className="hs-field__hint">comma-separated</span></label>
      <input
        id={id}
        className="hs-input"
        value={text}
        spellCheck={false}
        data-testid="store-doc-tags"
        onChange={(e) => {
          setText(e.target.value);
          const next = parse(e.target.value);
          onChange(next.length > 0 ? next : undefined);
        }}
      />
    </div>
  );
}

/** A store's documents, each with its text, tags, trust and validity; add and remove. */
export function StoreDocuments({ edit }: { edit: EntityEdit }) {
  const { entity, set, at } = edit;
  const docs = Array.isArray(entity.value.documents) ? (entity.value.documents as unknown[]) : [];
  const distractors = docs.filter((d) => isRecord(d) && d.valid === false).length;
  const setDocs = (next: unknown[], label: string): void => set(['documents'], next, label);
  return (
    <Section
      title={`Documents (${docs.length}${distractors > 0 ? `, ${distractors} distractor${distractors === 1 ? '' : 's'}` : ''})`}
      actions={
        <button type="button" className="hs-btn hs-btn--small" data-testid="add-store-doc" onClick={() => setDocs([...docs, { text: '' }], `Add a document to ${entity.id}`)}>
          + Document
        </button>
      }
    >
      {docs.length === 0 && <p className="hs-muted" data-testid="store-documents">No documents.</p>}
      <ul className="hs-mem-list" data-testid="store-doc-list">
        {docs.map((d, i) => {
          const doc = isRecord(d) ? d : {};
          const name = str(doc.id, `#${i + 1}`);
          const valid = typeof doc.valid === 'boolean' ? doc.valid : specDefaults.document.valid;
          return (
            <li key={i} className={`hs-mem-card${valid ? '' : ' is-distractor'}`} data-testid="store-doc" data-valid={String(valid)}>
              <div className="hs-mem-head">
                <span className="hs-mono hs-mem-name">{name}</span>
                {!valid && <span className="hs-mem-flag">distractor</span>}
                <span className="hs-mem-spacer" />
                <button type="button" className="hs-btn hs-btn--icon hs-btn--ghost" aria-label={`Remove document ${name}`} title="Remove" onClick={() => setDocs(docs.filter((_, j) => j !== i), `Remove document ${name} from ${entity.id}`)}>
                  ×
                </button>
              </div>
              <TextField label="Text" value={doc.text} onChange={(v) => set(['documents', i, 'text'], v, `Edit document ${name}`)} issues={at(`documents[${i}].text`)} multiline testId="store-doc-text" />
              <div className="hs-grid2">
                <TagsField value={doc.tags} onChange={(v) => set(['documents', i, 'tags'], v, `Tag document ${name}`)} />
                <SelectField label="Trust" value={doc.trust} options={['trusted', 'untrusted']} empty={defaultChoice(specDefaults.document.trust)} onChange={(v) => set(['documents', i, 'trust'], v, `Set trust of document ${name}`)} issues={at(`documents[${i}].trust`)} testId="store-doc-trust" />
              </div>
              <CheckField label="Valid (unchecked: a planted distractor, plausible but wrong)" value={valid} onChange={(v) => set(['documents', i, 'valid'], v ? undefined : false, v ? `Mark document ${name} valid` : `Plant document ${name} as a distractor`)} testId="store-doc-valid" />
              <IssueList showPath issues={at(`documents[${i}]`).filter((x) => !/\.(text|trust)$/.test(x.path))} />
            </li>
          );
        })}
      </ul>
      <IssueList showPath issues={at('documents').filter((x) => !/^documents\[\d+\]/.test(x.path))} />
    </Section>
  );
}
