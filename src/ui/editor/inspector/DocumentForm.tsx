import { useCallback, useState } from 'react';
import { specDefaults } from '../../../kernel';
import { useStudio } from '../../../store';
import { entities, isRecord, str } from '../docModel';
import { quotaText } from '../graph';
import { setIn, type PathKey } from '../docOps';
import { NumberField, Section, SelectField, TextField } from './fields';
import { GoalsSection } from './GoalForm';
import { JsonField } from './JsonField';
import { defaultChoice, placeholderOf } from './shownDefault';

/** Text of the whole document; a document that never parsed (a broken import) is shown as it was. */
const docText = (doc: unknown): string => (typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));

/**
 * Above this many entities the whole-document JSON editor opens on request: Monaco with a
 * megabyte of schema-checked JSON keeps the page busy for seconds after every import and edit.
 */
export const LARGE_DOCUMENT_ENTITIES = 300;

function entityCount(doc: Record<string, unknown>): number {
  let n = 0;
  for (const key of ['models', 'agents', 'tools', 'stores', 'channels', 'groups', 'goals']) {
    const list = doc[key];
    if (Array.isArray(list)) n += list.length;
  }
  return n;
}

/** The harness itself, shown when nothing is selected. */
export function DocumentForm() {
  const doc = useStudio((s) => s.doc);
  const issues = useStudio((s) => s.issues);
  const projectId = useStudio((s) => s.projectId);
  const projectName = useStudio((s) => s.projectName);
  const d = isRecord(doc) ? doc : {};
  const limits = isRecord(d.limits) ? d.limits : {};
  const policy = isRecord(d.policy) ? d.policy : {};
  const sched = isRecord(d.sched) ? d.sched : {};
  const groups = entities(doc, 'group');
  const select = useStudio((s) => s.select);
  const large = entityCount(d) > LARGE_DOCUMENT_ENTITIES;
  const [jsonOpen, setJsonOpen] = useState(false);
  const at = (prefix: string) => issues.filter((i) => i.path === prefix || i.path.startsWith(`${prefix}.`));

  const set = (path: readonly PathKey[], value: unknown, label: string): void => {
    const { doc: current, change } = useStudio.getState();
    change(label, setIn(current, path, value), { key: `doc:${path.join('.')}` });
  };

  const onJson = useCallback((value: unknown): string | null => {
    useStudio.getState().change('Edit document as JSON', value, { key: 'doc:json' });
    return null;
  }, []);

  return (
    <div data-testid="inspector-document">
      <header className="hs-inspector__head">
        <span className="hs-kind">harness</span>
        <span className="hs-inspector__title">{str(d.name, projectName || 'Untitled')}</span>
      </header>
      {isRecord(doc) && (
        <>
          <Section title="Harness">
            <TextField label="Name" value={d.name} onChange={(v) => set(['name'], v, 'Rename harness')} issues={at('name')} testId="field-harness-name" />
            <TextField label="Description" value={d.description} onChange={(v) => set(['description'], v, 'Edit harness description')} issues={at('description')} multiline />
            <SelectField label="Permission mode" value={policy.mode} options={['plan', 'ask', 'accept-edits', 'auto', 'deny-unlisted']} empty={defaultChoice(specDefaults.policy.mode)} onChange={(v) => set(['policy', 'mode'], v, 'Set permission mode')} issues={at('policy.mode')} />
          </Section>
          <Section title="Limits">
            <div className="hs-grid2">
              <NumberField label="Max steps" value={limits.maxSteps} min={1} step={1} placeholder={placeholderOf(specDefaults.limits.maxSteps)} onChange={(v) => set(['limits', 'maxSteps'], v, 'Set max steps')} issues={at('limits.maxSteps')} />
              <NumberField label="Max tokens" value={limits.maxTokens} min={1} step={1000} placeholder="none" onChange={(v) => set(['limits', 'maxTokens'], v, 'Set max tokens')} issues={at('limits.maxTokens')} />
              <NumberField label="Max cost" hint="USD" value={limits.maxCost} min={0} step={0.01} placeholder="none" onChange={(v) => set(['limits', 'maxCost'], v, 'Set max cost')} issues={at('limits.maxCost')} />
              <NumberField label="Max time" hint="virtual ms" value={limits.maxTimeMs} min={1} step={1000} placeholder="none" onChange={(v) => set(['limits', 'maxTimeMs'], v, 'Set max time')} issues={at('limits.maxTimeMs')} />
            </div>
          </Section>
          <GoalsSection />
          <Section title="Scheduler">
            <div className="hs-grid2">
              <NumberField label="Slice" hint="tokens" value={sched.sliceTokens} min={1} step={16} placeholder={placeholderOf(specDefaults.sched.sliceTokens)} onChange={(v) => set(['sched', 'sliceTokens'], v, 'Set scheduler slice')} issues={at('sched.sliceTokens')} testId="field-sched-slice-tokens" />
              <NumberField label="Aging step" hint="ms per +1, 0 off" value={sched.agingStepMs} min={0} step={100} placeholder={placeholderOf(specDefaults.sched.agingStepMs)} onChange={(v) => set(['sched', 'agingStepMs'], v, 'Set priority aging step')} issues={at('sched.agingStepMs')} testId="field-sched-aging" />
              <NumberField label="rt period" hint="ms" value={sched.rtPeriodMs} min={1} step={100} placeholder={placeholderOf(specDefaults.sched.rtPeriodMs)} onChange={(v) => set(['sched', 'rtPeriodMs'], v, 'Set rt period')} issues={at('sched.rtPeriodMs')} testId="field-sched-rt-period" />
              <NumberField label="rt share" hint="of each period" value={sched.rtRuntimeShare} min={0} max={1} step={0.05} placeholder={placeholderOf(specDefaults.sched.rtRuntimeShare)} onChange={(v) => set(['sched', 'rtRuntimeShare'], v, 'Set rt runtime share')} issues={at('sched.rtRuntimeShare')} testId="field-sched-rt-share" />
              <NumberField label="Deadline bound" hint="× slots" value={sched.dlBound} min={0} max={1} step={0.05} placeholder={placeholderOf(specDefaults.sched.dlBound)} onChange={(v) => set(['sched', 'dlBound'], v, 'Set deadline admission bound')} issues={at('sched.dlBound')} testId="field-sched-dl-bound" />
            </div>
            <p className="hs-muted">
              The slice is fair's request size, rr's quantum and the preemption check interval. rt work may use its share of each rt period; deadline agents are admitted while their reserved bandwidth stays under the bound.
            </p>
          </Section>
          <Section title="Budget groups">
            {groups.length === 0 ? (
              <p className="hs-muted">None. Add one with Group in the palette, then connect agents to it.</p>
            ) : (
              <ul className="hs-group-list" data-testid="document-groups">
                {groups.map((g) => (
                  <li key={g.id}>
                    <button type="button" className="hs-btn hs-btn--small hs-btn--ghost hs-mono" onClick={() => select(g.id)} title={`Select ${g.id}`}>
                      {g.id}
                    </button>
                    <span className="hs-muted">{quotaText(g.value)}{typeof g.value.parent === 'string' ? ` · in ${g.value.parent}` : ''}</span>
                  </li>
                ))}
              </ul>
            )}
          </Section>
        </>
      )}
      <Section title="Document as JSON">
        {large && !jsonOpen ? (
          <p className="hs-muted">
            {entityCount(d).toLocaleString('en-US')} entities: the JSON editor opens on request.{' '}
            <button type="button" className="hs-btn hs-btn--small" onClick={() => setJsonOpen(true)} data-testid="document-json-open">
              Edit as JSON
            </button>
          </p>
        ) : (
          <JsonField label="Document" hint="goals, policy scopes, groups…" value={doc} textOf={docText} onCommit={onJson} draftKey={`${projectId}:document`} schema="document" height={320} testId="document-json" />
        )}
      </Section>
    </div>
  );
}
