import { useStudio } from '../../../store';
import { collectionIds, entities, isRecord, str } from '../docModel';
import { CodeField } from '../CodeField';
import { CheckField, IssueList, NumberField, Section, SelectField, TextField } from './fields';
import { JsonField } from './JsonField';
import type { EntityEdit } from './useEntityEdit';

/** Fields the agent form places issues at; anything else shows at the top of the inspector. */
export const AGENT_FIELDS = ['id', 'name', 'description', 'model', 'temperature', 'injectionSusceptibility', 'executeOnly', 'sched', 'memory', 'capabilities', 'systemPrompt', 'behaviour'];

const SCHED_CLASSES = ['fifo', 'deadline', 'rt', 'fair', 'priority', 'idle'];
const EVICTIONS = ['lru', 'lru-k', 'fifo', 'quality'];
const ACCESS = ['use', 'read', 'write', 'readwrite'];
/** Stable, so the JSON editor does not see a new value on every render. */
const NO_STEPS: unknown[] = [];

export function AgentForm({ edit }: { edit: EntityEdit }) {
  const doc = useStudio((s) => s.doc);
  const projectId = useStudio((s) => s.projectId);
  const { entity, set, at } = edit;
  const a = entity.value;
  const sched = isRecord(a.sched) ? a.sched : {};
  const memory = isRecord(a.memory) ? a.memory : {};
  const caps = Array.isArray(a.capabilities) ? (a.capabilities as unknown[]) : [];
  const models = entities(doc, 'model').map((m) => ({ value: m.id, label: `${str(m.value.name, m.id)} (${m.id})` }));
  const groups = collectionIds(doc, 'groups');
  const targets = [...entities(doc, 'tool'), ...entities(doc, 'store')].map((t) => ({ value: t.id, label: `${t.id} (${t.kind})` }));
  const unused = targets.filter((t) => !caps.some((c) => isRecord(c) && c.target === t.value));

  return (
    <>
      <Section title="Agent">
        <TextField label="Name" value={a.name} onChange={(v) => set(['name'], v, 'Rename agent')} issues={at('name')} testId="field-name" />
        <TextField label="Description" value={a.description} onChange={(v) => set(['description'], v, 'Edit agent description')} issues={at('description')} multiline />
        <SelectField label="Model" value={a.model} options={models} onChange={(v) => set(['model'], v, `Set ${entity.id}'s model`)} issues={at('model')} testId="field-model" />
        <NumberField label="Temperature" value={a.temperature} min={0} max={2} step={0.1} placeholder="0" onChange={(v) => set(['temperature'], v, 'Set temperature')} issues={at('temperature')} testId="field-temperature" />
        <NumberField label="Injection susceptibility" value={a.injectionSusceptibility} min={0} max={1} step={0.05} placeholder="0" onChange={(v) => set(['injectionSusceptibility'], v, 'Set injection susceptibility')} issues={at('injectionSusceptibility')} />
        <CheckField label="Execute-only (typed operations)" value={a.executeOnly} onChange={(v) => set(['executeOnly'], v || undefined, v ? 'Make execute-only' : 'Allow free text')} />
      </Section>

      <Section title="Scheduling">
        <div className="hs-grid2">
          <SelectField label="Class" value={sched.class} options={SCHED_CLASSES} empty="fifo (default)" onChange={(v) => set(['sched', 'class'], v, 'Set scheduling class')} issues={at('sched.class')} testId="field-sched-class" />
          <NumberField label="Nice" value={sched.nice} min={-20} max={19} step={1} placeholder="0" onChange={(v) => set(['sched', 'nice'], v, 'Set nice')} issues={at('sched.nice')} />
          <NumberField label="Priority" value={sched.priority} min={0} max={99} step={1} placeholder="0" onChange={(v) => set(['sched', 'priority'], v, 'Set priority')} issues={at('sched.priority')} />
          <SelectField label="Group" value={sched.group} options={groups} empty="none" onChange={(v) => set(['sched', 'group'], v, 'Set group')} issues={at('sched.group')} />
        </div>
        <IssueList showPath issues={at('sched').filter((i) => !['sched.class', 'sched.nice', 'sched.priority', 'sched.group'].includes(i.path))} />
      </Section>

      <Section title="Memory">
        <div className="hs-grid2">
          <NumberField label="Window" hint="tokens" value={memory.window} min={256} step={256} placeholder="model's" onChange={(v) => set(['memory', 'window'], v, 'Set memory window')} issues={at('memory.window')} />
          <SelectField label="Eviction" value={memory.eviction} options={EVICTIONS} empty="lru (default)" onChange={(v) => set(['memory', 'eviction'], v, 'Set eviction policy')} issues={at('memory.eviction')} />
        </div>
        <IssueList showPath issues={at('memory').filter((i) => !['memory.window', 'memory.eviction'].includes(i.path))} />
      </Section>

      <Section title="Capabilities">
        {caps.length === 0 && <p className="hs-muted">None. Drag from the agent's top handle to a tool or store.</p>}
        <ul className="hs-caps">
          {caps.map((c, i) => {
            const cap = isRecord(c) ? c : {};
            return (
              <li key={i} className="hs-caps__row">
                <span className="hs-mono hs-caps__target">{str(cap.target, '?')}</span>
                <select
                  className="hs-input hs-select"
                  aria-label={`Access to ${str(cap.target, 'target')}`}
                  value={str(cap.access, 'use')}
                  onChange={(e) => set(['capabilities', i, 'access'], e.target.value, `Set access to ${str(cap.target)}`)}
                >
                  {ACCESS.map((x) => <option key={x}>{x}</option>)}
                </select>
                <button type="button" className="hs-btn hs-btn--icon" aria-label={`Remove capability ${str(cap.target)}`} title="Remove" onClick={() => set(['capabilities'], caps.filter((_, j) => j !== i), `Remove ${str(cap.target)} from ${entity.id}`)}>
                  ×
                </button>
                <IssueList issues={at(`capabilities[${i}]`)} />
              </li>
            );
          })}
        </ul>
        {unused.length > 0 && (
          <select
            className="hs-input hs-select"
            aria-label="Add capability"
            value=""
            data-testid="add-capability"
            onChange={(e) => {
              const t = e.target.value;
              if (!t) return;
              const access = entities(doc, 'store').some((s) => s.id === t) ? 'readwrite' : 'use';
              set(['capabilities'], [...caps, { target: t, access }], `Give ${entity.id} ${t}`);
            }}
          >
            <option value="">+ Add capability…</option>
            {unused.map((t) => <option key={t.value} value={t.value}>{t.label}</option>)}
          </select>
        )}
      </Section>

      <Section title="System prompt">
        <CodeField label="System prompt" value={str(a.systemPrompt)} onChange={(v) => set(['systemPrompt'], v, 'Edit system prompt')} language="markdown" ariaLabel={`System prompt of ${entity.id}`} height={140} testId="field-system-prompt" />
        <IssueList issues={at('systemPrompt')} />
      </Section>

      <Section title="Behaviour">
        <JsonField
          label="Script"
          hint="JSON array of steps: think, call, send, recv, search, remember, write, finish"
          value={a.behaviour ?? NO_STEPS}
          onCommit={(v) => (Array.isArray(v) ? (set(['behaviour'], v, 'Edit behaviour'), null) : 'Not applied: the behaviour must be a JSON array of steps.')}
          issues={at('behaviour')}
          draftKey={`${projectId}:${entity.kind}:${entity.id}:behaviour`}
          schema="behaviour"
          height={220}
          testId="field-behaviour"
        />
      </Section>
    </>
  );
}
