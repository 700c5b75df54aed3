import { specDefaults } from '../../../kernel';
import { useStudio } from '../../../store';
import { SCHED_CLASSES, type AgentSched } from '../../../kernel';
import { classOptions, paramHint, paramsShown, paramTestId, schedFieldNames } from '../../sched/classViews';
import { entities, isRecord, str, type Rec } from '../docModel';
import { CodeField } from '../CodeField';
import { AgentCardSection } from './AgentCardExport';
import { CheckField, IssueList, NumberField, Section, SelectField, TextField } from './fields';
import { JsonField } from './JsonField';
import { MemorySection } from './MemoryForms';
import type { EntityEdit } from './useEntityEdit';
import { placeholderOf } from './shownDefault';
import { drivenBy } from './drivenBy';
import { endpointNames } from '../../shell/modelEndpoints';

/** Fields the agent form places issues at; anything else shows at the top of the inspector. */
export const AGENT_FIELDS = ['id', 'name', 'description', 'model', 'temperature', 'injectionSusceptibility', 'executeOnly', 'sched', 'memory', 'capabilities', 'systemPrompt', 'behaviour'];

/** Scheduling fields placed by the section below; other `sched.*` issues are listed after it. */
const SCHED_PLACED = schedFieldNames().map((f) => `sched.${f}`);
const ACCESS = ['use', 'read', 'write', 'readwrite'];
const CAPABILITY = specDefaults.capability;
const HANDLES = ['borrowed', 'unique', 'shared'];
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
  const targets = [...entities(doc, 'tool'), ...entities(doc, 'store')].map((t) => ({ value: t.id, label: `${t.id} (${t.kind})` }));
  const unused = targets.filter((t) => !caps.some((c) => isRecord(c) && c.target === t.value));
  const bindings = useStudio((s) => s.modelEndpoints);
  const endpoints = useStudio((s) => s.endpoints);
  const driver = drivenBy(doc, a.model, endpointNames(bindings, endpoints));

  return (
    <>
      <Section title="Agent">
        <TextField label="Name" value={a.name} onChange={(v) => set(['name'], v, 'Rename agent')} issues={at('name')} testId="field-name" />
        <TextField label="Description" value={a.description} onChange={(v) => set(['description'], v, 'Edit agent description')} issues={at('description')} multiline />
        <SelectField label="Model" value={a.model} options={models} onChange={(v) => set(['model'], v, `Set ${entity.id}'s model`)} issues={at('model')} testId="field-model" />
        <p className="hs-muted" data-testid="driven-by" data-by={driver.by}>{driver.text}</p>
        <NumberField label="Temperature" value={a.temperature} min={0} max={2} step={0.1} placeholder={placeholderOf(specDefaults.agent.temperature)} onChange={(v) => set(['temperature'], v, 'Set temperature')} issues={at('temperature')} testId="field-temperature" />
        <NumberField label="Injection susceptibility" value={a.injectionSusceptibility} min={0} max={1} step={0.05} placeholder={placeholderOf(specDefaults.agent.injectionSusceptibility)} onChange={(v) => set(['injectionSusceptibility'], v, 'Set injection susceptibility')} issues={at('injectionSusceptibility')} />
        <CheckField label="Execute-only (typed operations)" value={a.executeOnly} onChange={(v) => set(['executeOnly'], v || undefined, v ? 'Make execute-only' : 'Allow free text')} />
      </Section>

      <SchedulingSection edit={edit} sched={sched} />

      <MemorySection edit={edit} memory={memory} />

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
                  value={str(cap.access, CAPABILITY.access)}
                  onChange={(e) => set(['capabilities', i, 'access'], e.target.value, `Set access to ${str(cap.target)}`)}
                >
                  {ACCESS.map((x) => <option key={x}>{x}</option>)}
                </select>
                <select
                  className="hs-input hs-select"
                  aria-label={`Handle on ${str(cap.target, 'target')}`}
                  title="borrowed: a read-only view · unique: the one editable handle · shared: published for many"
                  value={str(cap.handle, '')}
                  onChange={(e) => set(['capabilities', i, 'handle'], e.target.value || undefined, `Set handle on ${str(cap.target)}`)}
                >
                  <option value="">auto</option>
                  {HANDLES.map((x) => <option key={x}>{x}</option>)}
                </select>
                <select
                  className="hs-input hs-select"
                  aria-label={`Lease on ${str(cap.target, 'target')}`}
                  title="job: ends with the job (or its term) · durable: an explicit grant that outlives it"
                  value={str(cap.lease, CAPABILITY.lease)}
                  onChange={(e) => set(['capabilities', i, 'lease'], e.target.value === CAPABILITY.lease ? undefined : e.target.value, `Set lease on ${str(cap.target)}`)}
                >
                  <option value="job">job</option>
                  <option value="durable">durable</option>
                </select>
                {str(cap.lease, CAPABILITY.lease) === 'job' && (
                  <input
                    className="hs-input hs-caps__term"
                    type="number"
                    min={1}
                    step={100}
                    placeholder="ms"
                    aria-label={`Lease term on ${str(cap.target, 'target')} (virtual ms)`}
                    value={typeof cap.leaseMs === 'number' ? cap.leaseMs : ''}
                    onChange={(e) => set(['capabilities', i, 'leaseMs'], e.target.value === '' ? undefined : Number(e.target.value), `Set lease term on ${str(cap.target)}`)}
                  />
                )}
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

      <Section title={driver.by === 'sim' ? 'System prompt (unused on sim)' : 'System prompt'}>
        <CodeField label="System prompt" value={str(a.systemPrompt)} onChange={(v) => set(['systemPrompt'], v, 'Edit system prompt')} language="markdown" ariaLabel={`System prompt of ${entity.id}`} height={140} testId="field-system-prompt" />
        <IssueList issues={at('systemPrompt')} />
      </Section>

      <Section title={driver.by === 'model' ? 'Behaviour (unused: a real model reads the prompt)' : 'Behaviour'}>
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

      <AgentCardSection agentId={entity.id} />
    </>
  );
}

/**
 * The agent's scheduling class and the fields that class declares (the kernel's registry: kind,
 * range, default, hint), its budget group, and what valid parameters amount to on the agent's
 * model. Problems (deadline's runtime ≤ deadline ≤ period among them) come from the parser, at their field.
 */
function SchedulingSection({ edit, sched }: { edit: EntityEdit; sched: Rec }) {
  const doc = useStudio((s) => s.doc);
  const spec = useStudio((s) => s.spec);
  const { entity, set, at } = edit;
  const current = sched as AgentSched;
  const cls = SCHED_CLASSES.get(str(sched.class, SCHED_CLASSES.fallback));
  const groups = entities(doc, 'group').map((g) => ({ value: g.id, label: `${str(g.value.name, g.id)} (${g.id})` }));
  // The parsed document knows the model's speed with its default filled in; only a valid document explains.
  const model = spec?.models.find((m) => m.id === entity.value.model) ?? null;
  const explained = cls?.explainParams && model && SCHED_CLASSES.checkParams(current, model).length === 0 ? cls.explainParams(current, model) : null;

  return (
    <Section title="Scheduling">
      <div className="hs-grid2">
        <SelectField label="Class" value={sched.class} options={classOptions()} empty={`${SCHED_CLASSES.fallback} (default)`} onChange={(v) => set(['sched', 'class'], v, 'Set scheduling class')} issues={at('sched.class')} testId="field-sched-class" />
        <SelectField label="Budget group" value={sched.group} options={groups} empty="none" onChange={(v) => set(['sched', 'group'], v, v ? `Put ${entity.id} in budget group ${v}` : `Take ${entity.id} out of its budget group`)} issues={at('sched.group')} testId="field-sched-group" />
        {paramsShown(cls, current).map((p) => {
          const path = ['sched', p.name];
          const common = { label: p.label, value: sched[p.name], hint: paramHint(p, current), issues: at(`sched.${p.name}`), testId: paramTestId(p) };
          return p.kind === 'choice' ? (
            <SelectField key={p.name} {...common} options={p.choices ?? []} empty={p.default !== undefined ? `${p.default} (default)` : 'unset'} onChange={(v) => set(path, v, `Set ${p.label}`)} />
          ) : (
            <NumberField key={p.name} {...common} min={p.min} max={p.max} step={p.step ?? (p.kind === 'integer' ? 1 : undefined)} placeholder={p.default !== undefined ? String(p.default) : undefined} onChange={(v) => set(path, v, `Set ${p.label}`)} />
          );
        })}
      </div>
      {explained && <p className="hs-sched-hint" data-testid="sched-params-hint">{explained}</p>}
      <IssueList showPath issues={at('sched').filter((i) => !SCHED_PLACED.includes(i.path))} />
    </Section>
  );
}
