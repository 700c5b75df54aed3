/**
 * The right-hand inspector: the selected entity's form (or the harness itself when nothing is
 * selected), its issues in place, and the document's problems list.
 */
import { useCallback, useLayoutEffect, useMemo, useRef } from 'react';
import { useStudio } from '../../../store';
import { findEntity, isRecord, str, type EntityKind, type EntityRef } from '../docModel';
import { deleteEntities, replaceEntity } from '../docOps';
import { unclaimedIssues } from '../issueIndex';
import { renameId } from '../renameId';
import { AGENT_FIELDS, AgentForm } from './AgentForm';
import { DocumentForm } from './DocumentForm';
import { GROUP_FIELDS, GroupForm } from './GroupForm';
import { IdField, IssueList, Section } from './fields';
import { JsonField } from './JsonField';
import { ProblemsList } from './ProblemsList';
import { ProcSection } from './ProcSection';
import { CHANNEL_FIELDS, ChannelForm, MODEL_FIELDS, ModelForm, STORE_FIELDS, StoreForm, TOOL_FIELDS, ToolForm } from './ResourceForms';
import { useEntityEdit, type EntityEdit } from './useEntityEdit';
import { REMOTE_FIELDS, RemoteAgentForm } from './RemoteAgentForm';

const FORMS: Record<EntityKind, { fields: readonly string[]; Form: (p: { edit: EntityEdit }) => React.JSX.Element }> = {
  agent: { fields: AGENT_FIELDS, Form: AgentForm },
  tool: { fields: TOOL_FIELDS, Form: ToolForm },
  store: { fields: STORE_FIELDS, Form: StoreForm },
  model: { fields: MODEL_FIELDS, Form: ModelForm },
  channel: { fields: CHANNEL_FIELDS, Form: ChannelForm },
  group: { fields: GROUP_FIELDS, Form: GroupForm },
  remote: { fields: REMOTE_FIELDS, Form: RemoteAgentForm },
};

function EntityInspector({ entity }: { entity: EntityRef }) {
  const projectId = useStudio((s) => s.projectId);
  const edit = useEntityEdit(entity);
  const { fields, Form } = FORMS[entity.kind];
  const loose = unclaimedIssues(edit.issues, fields);

  const onDelete = (): void => {
    const { doc, change } = useStudio.getState();
    change(`Delete ${entity.id}`, deleteEntities(doc, [entity.id]), { select: null });
  };

  const onRename = (next: string): string | null => {
    const { doc, change } = useStudio.getState();
    const result = renameId(doc, entity.id, next);
    if (!result.ok) return result.message;
    change(`Rename ${entity.id} → ${next}`, result.doc, { select: next });
    return null;
  };

  const onJson = useCallback(
    (value: unknown): string | null => {
      if (!isRecord(value)) return `Not applied: the ${entity.kind} must be a JSON object.`;
      const { doc, change } = useStudio.getState();
      const id = typeof value.id === 'string' ? value.id : '';
      if (id === '') return `Not applied: the ${entity.kind} needs a string "id".`;
      const other = findEntity(doc, id);
      if (id !== entity.id && other) return `Not applied: the id "${id}" is already used by a ${other.kind}.`;
      change(`Edit ${entity.id} as JSON`, replaceEntity(doc, entity.kind, entity.index, value), { key: `json:${entity.kind}:${entity.index}`, select: id });
      return null;
    },
    [entity.id, entity.kind, entity.index],
  );

  return (
    <div className="hs-inspector__entity" data-testid={`inspector-${entity.kind}`}>
      <header className="hs-inspector__head">
        <span className={`hs-kind hs-kind--${entity.kind}`}>{entity.kind}</span>
        <span className="hs-inspector__title">{str(entity.value.name, entity.id)}</span>
        <button type="button" className="hs-btn hs-btn--small hs-btn--danger" onClick={onDelete} data-testid="delete-selected-button" title="Delete (Del)">
          Delete
        </button>
      </header>
      {loose.length > 0 && (
        <div className="hs-inspector__loose">
          <IssueList issues={loose} showPath />
        </div>
      )}
      {entity.kind === 'agent' && <ProcSection agent={entity.id} />}
      <Section title="Identity">
        <IdField value={entity.id} onCommit={onRename} testId="field-id" />
      </Section>
      <Form edit={edit} />
      <Section title={`${entity.kind[0]!.toUpperCase()}${entity.kind.slice(1)} as JSON`}>
        <JsonField
          label="JSON"
          hint="the whole entity; applied while it parses"
          value={entity.value}
          onCommit={onJson}
          issues={edit.issues}
          draftKey={`${projectId}:${entity.kind}:${entity.id}:json`}
          schema={entity.kind === 'remote' ? 'remoteAgent' : entity.kind}
          height={240}
          testId="entity-json"
        />
      </Section>
    </div>
  );
}

export function Inspector() {
  const selection = useStudio((s) => s.selection);
  const doc = useStudio((s) => s.doc);
  const projectId = useStudio((s) => s.projectId);
  const hasProject = projectId !== null;
  const entity = useMemo(() => (selection ? findEntity(doc, selection) : null), [doc, selection]);
  // Another selection is another form: it opens at its top (name, model), not at the last one's offset.
  const scroll = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (scroll.current) scroll.current.scrollTop = 0;
  }, [selection, projectId]);
  return (
    <aside className="hs-inspector" aria-label="Inspector" data-testid="inspector">
      <div className="hs-inspector__scroll" ref={scroll}>
        {!hasProject ? (
          <p className="hs-muted hs-pad">No project open.</p>
        ) : entity ? (
          <EntityInspector key={`${entity.kind}:${entity.id}`} entity={entity} />
        ) : (
          <DocumentForm />
        )}
      </div>
      {hasProject && <ProblemsList />}
    </aside>
  );
}
