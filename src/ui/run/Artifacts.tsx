import { useMemo, useState } from 'react';
import { changeContent, provenanceStatement, resourceHistories, resourceName, reviewAt, type DescribedChange } from '../../kernel';
import { useStudio } from '../../store';
import { downloadText } from '../shared/download';
import { TaintBadges } from '../trust/Taint';
import { useAddEdit } from './EditStateApply';
import { EditStateText } from './EditStateText';
import { authorityLabel, inputsLabel, modelLabel, promptLabel, runSpec } from '../trust/provenance';

const REVIEW_TEXT = { unreviewed: 'unreviewed', approved: 'approved by a person', 'rolled-back': 'rolled back' } as const;

/** The chain of changes that made a resource, oldest first: who, with what model, by which authority, from which inputs, reviewed or not. */
function History({ chain, cursor }: { chain: readonly DescribedChange[]; cursor: number }) {
  return (
    <ol className="rp-history" data-testid="artifact-history">
      {chain.map((c, i) => {
        const r = c.record;
        const status = reviewAt(r, cursor);
        return (
          <li key={r.seq} data-testid="artifact-version" data-seq={r.seq} data-status={status} className={status === 'rolled-back' ? 'is-rolled-back' : undefined}>
            <div>
              <b>v{i + 1}</b> #{r.seq} by <b>{r.agent}</b> <span className="rp-dim" title={c.who.promptDigest ?? undefined}>prompt {promptLabel(c)}</span> · {REVIEW_TEXT[status]}
            </div>
            <div className="rp-dim">model {modelLabel(c)}{c.model ? ` (turn #${c.model.turn})` : ''}</div>
            <div data-testid="artifact-version-authority">authority {authorityLabel(r)}</div>
            <div className="rp-dim">inputs {inputsLabel(r)} <TaintBadges taint={r.inputs.taint} /></div>
          </li>
        );
      })}
    </ol>
  );
}

/** One artifact or tool-written resource: its text now, its history, and its provenance attestation. */
function Resource({ name, text, by, chain, cursor, onExport, onEdit }: { name: string; text: string | null; by: string; chain: readonly DescribedChange[] | undefined; cursor: number; onExport(): void; onEdit?: ((text: string) => void) | undefined }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="rp-artifact" data-testid="artifact" data-name={name}>
      <div className="rp-artifact-name">
        {name}
        <small>{by}</small>
        {chain && chain.length > 0 && (
          <>
            <button type="button" data-testid="artifact-history-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
              History ({chain.length})
            </button>
            <button type="button" data-testid="artifact-attestation" title="Download its provenance as an in-toto Statement (JSON): the content's SHA-256 and the chain of changes, no text or secret" onClick={onExport}>
              Attestation
            </button>
          </>
        )}
      </div>
      {text !== null && (onEdit ? <EditStateText key={cursor} text={text} label={`artifact ${name}`} testId="artifact-text" onSave={onEdit} /> : <pre className="rp-pre">{text}</pre>)}
      {open && chain && <History chain={chain} cursor={cursor} />}
    </div>
  );
}

/**
 * Artifacts written up to the cursor (e.g. the report), as plain text, and what tools wrote
 * (by their main argument); each with the chain of changes that made it and its attestation.
 */
export function Artifacts() {
  const artifacts = useStudio((s) => s.cursorState?.artifacts);
  const cursor = useStudio((s) => s.cursor);
  const head = useStudio((s) => s.head);
  const provenance = useStudio((s) => s.provenance);
  const meta = useStudio((s) => s.runs.find((r) => r.id === s.runId));
  const spec = useMemo(() => runSpec(meta?.doc), [meta?.doc]);
  const log = provenance();
  const addEdit = useAddEdit();
  const records = log?.records();
  const histories = useMemo(() => (records && spec ? resourceHistories(records, spec, cursor) : new Map<string, DescribedChange[]>()), [records, spec, cursor, head]);
  const entries = artifacts ? Object.entries(artifacts) : [];
  const written = [...histories].filter(([key]) => !key.startsWith('artifact '));

  const exportOf = (name: string, chain: readonly DescribedChange[] | undefined, content?: string) => () => {
    if (!meta || !chain || chain.length === 0) return;
    const statement = provenanceStatement(name, chain, { id: meta.id, seed: meta.seed, specHash: meta.specHash, harness: meta.harness }, cursor, content);
    downloadText(`${name.replace(/[^\w.-]+/g, '-').replace(/^-+/, '')}.provenance.json`, `${JSON.stringify(statement, null, 2)}\n`, 'application/json');
  };

  return (
    <div className="rp-section rp-grow" data-testid="artifacts">
      <div className="rp-head">Artifacts</div>
      <div className="rp-scroll">
        {entries.length === 0 && written.length === 0 && <div className="rp-empty">No artifact written yet at this point of the run.</div>}
        {entries.map(([name, a]) => {
          const chain = histories.get(`artifact ${name}`);
          return <Resource key={name} name={name} text={a.text} by={`by ${a.agent} @ ${a.seq}`} chain={chain} cursor={cursor} onExport={exportOf(name, chain, a.text)} onEdit={addEdit ? (t) => addEdit({ kind: 'artifact.edit', name, text: t }) : undefined} />;
        })}
        {written.map(([key, chain]) => {
          const last = chain[chain.length - 1]!.record;
          return <Resource key={key} name={resourceName(key)} text={changeContent(last)} by={`written by ${last.tool} · ${last.agent} @ ${last.seq}`} chain={chain} cursor={cursor} onExport={exportOf(resourceName(key), chain)} />;
        })}
      </div>
    </div>
  );
}
