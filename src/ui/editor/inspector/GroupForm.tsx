/** Inspector form for a budget group (cgroup-like quotas shared by its agents and child groups). */
import { useStudio } from '../../../store';
import { entities, isRecord, str } from '../docModel';
import { connectionKind, setIn } from '../docOps';
import { NumberField, Section, SelectField, TextField } from './fields';
import type { EntityEdit } from './useEntityEdit';

export const GROUP_FIELDS = ['id', 'name', 'parent', 'tokens', 'cost', 'periodMs', 'weight'];

export function GroupForm({ edit }: { edit: EntityEdit }) {
  const doc = useStudio((s) => s.doc);
  const select = useStudio((s) => s.select);
  const { entity, set, at } = edit;
  const g = entity.value;
  // Any group this one may sit under: not itself, not one of its descendants.
  const parents = entities(doc, 'group')
    .filter((p) => p.id === g.parent || connectionKind(doc, entity.id, p.id) === 'parent')
    .map((p) => ({ value: p.id, label: `${str(p.value.name, p.id)} (${p.id})` }));
  const agents = entities(doc, 'agent');
  const groupOf = (a: (typeof agents)[number]) => (isRecord(a.value.sched) ? a.value.sched.group : undefined);
  const members = agents.filter((a) => groupOf(a) === entity.id);
  const others = agents.filter((a) => groupOf(a) !== entity.id);
  const children = entities(doc, 'group').filter((c) => c.value.parent === entity.id);

  const join = (agentId: string): void => {
    const agent = agents.find((a) => a.id === agentId);
    if (!agent) return;
    const { doc: current, change } = useStudio.getState();
    change(`Put ${agentId} in budget group ${entity.id}`, setIn(current, ['agents', agent.index, 'sched', 'group'], entity.id));
  };

  return (
    <>
      <Section title="Budget group">
        <TextField label="Name" value={g.name} onChange={(v) => set(['name'], v, 'Rename group')} issues={at('name')} testId="field-name" />
        <SelectField label="Parent" hint="its quotas bound this one's" value={g.parent} options={parents} empty="none (top level)" onChange={(v) => set(['parent'], v, `Set ${entity.id}'s parent group`)} issues={at('parent')} testId="field-group-parent" />
        <div className="hs-grid2">
          <NumberField label="Tokens" hint="in + out per period" value={g.tokens} min={1} step={1000} placeholder="no quota" onChange={(v) => set(['tokens'], v, 'Set token quota')} issues={at('tokens')} testId="field-group-tokens" />
          <NumberField label="Cost" hint="USD per period" value={g.cost} min={0} step={0.01} placeholder="no quota" onChange={(v) => set(['cost'], v, 'Set cost quota')} issues={at('cost')} testId="field-group-cost" />
          <NumberField label="Period" hint="virtual ms" value={g.periodMs} min={1} step={1000} placeholder="whole run" onChange={(v) => set(['periodMs'], v, 'Set quota period')} issues={at('periodMs')} testId="field-group-period" />
          <NumberField label="Weight" hint="share among siblings" value={g.weight} min={1} max={10000} step={10} placeholder="100" onChange={(v) => set(['weight'], v, 'Set group weight')} issues={at('weight')} testId="field-group-weight" />
        </div>
        <p className="hs-muted">Quotas refill every period (without one they last the whole run). A spent group's agents are throttled until it refills.</p>
      </Section>
      <Section title="Members">
        {members.length === 0 && children.length === 0 && <p className="hs-muted">No agent is in this group. Drag from an agent's bottom-right handle to this group, or add one here.</p>}
        <ul className="hs-group-list" data-testid="group-members">
          {members.map((a) => (
            <li key={a.id}>
              <button type="button" className="hs-btn hs-btn--small hs-btn--ghost hs-mono" onClick={() => select(a.id)} title={`Select ${a.id}`}>{a.id}</button>
              <span className="hs-muted">agent</span>
            </li>
          ))}
          {children.map((c) => (
            <li key={c.id}>
              <button type="button" className="hs-btn hs-btn--small hs-btn--ghost hs-mono" onClick={() => select(c.id)} title={`Select ${c.id}`}>{c.id}</button>
              <span className="hs-muted">group</span>
            </li>
          ))}
        </ul>
        {others.length > 0 && (
          <select className="hs-input hs-select" aria-label="Add an agent to this group" value="" data-testid="group-add-agent" onChange={(e) => e.target.value && join(e.target.value)}>
            <option value="">+ Add agent…</option>
            {others.map((a) => (
              <option key={a.id} value={a.id}>
                {a.id}{typeof groupOf(a) === 'string' ? ` (now in ${String(groupOf(a))})` : ''}
              </option>
            ))}
          </select>
        )}
      </Section>
    </>
  );
}
