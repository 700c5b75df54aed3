/**
 * The Policy view's nodes. Scopes and rules carry their own small editors (rules are not
 * entities, so the inspector has no form for them); agents, tools and stores are read-only
 * here and open in the inspector when clicked.
 */
import { memo, useState, type KeyboardEvent } from 'react';
import { Handle, Position, type Node, type NodeProps, type NodeTypes } from '@xyflow/react';
import type { Effect } from '../../kernel';
import { matcherError } from './matcherError';
import { createRule, removeRule, removeScope, setRuleEffect, setRuleMatch } from './policyActions';
import { nodeId, type ActorNodeData, type RuleNodeData, type ScopeNodeData, type TargetNodeData } from './policyGraph';
import { EFFECTS } from './policyModel';
import { usePanTo } from './usePanTo';

const HANDLE = { isConnectable: false, className: 'hs-pol-handle' } as const;

function EffectSelect({ value, onChange, testId, label }: { value: Effect; onChange(e: Effect): void; testId: string; label: string }) {
  return (
    <select className={`hs-pol-effect hs-pol-effect--${value} nodrag`} value={value} onChange={(e) => onChange(e.currentTarget.value as Effect)} aria-label={label} data-testid={testId}>
      {EFFECTS.map((e) => (
        <option key={e} value={e}>
          {e}
        </option>
      ))}
    </select>
  );
}

/** A new rule for the scope: effect and matcher, checked by the engine's parser as it is typed. */
function AddRule({ scope }: { scope: string }) {
  const [effect, setEffect] = useState<Effect>('deny');
  const [match, setMatch] = useState('');
  const panTo = usePanTo();
  const error = match.trim() === '' ? null : matcherError(match.trim());
  const ready = match.trim() !== '' && error === null;
  const add = (): void => {
    if (!ready) return;
    const id = createRule(scope, effect, match.trim());
    if (id === null) return;
    setMatch('');
    panTo(nodeId.rule(id));
  };
  const onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Enter') add();
  };
  return (
    <div className="hs-pol-add nodrag">
      <div className="hs-pol-add__row">
        <EffectSelect value={effect} onChange={setEffect} label={`Effect of a new rule in ${scope}`} testId={`policy-new-rule-effect-${scope}`} />
        <input
          className="hs-input hs-pol-match"
          value={match}
          placeholder="Tool or Tool(spec)"
          spellCheck={false}
          onChange={(e) => setMatch(e.currentTarget.value)}
          onKeyDown={onKey}
          aria-label={`Matcher of a new rule in ${scope}`}
          aria-invalid={error !== null || undefined}
          data-testid={`policy-new-rule-match-${scope}`}
        />
        <button type="button" className="hs-btn hs-btn--small" onClick={add} disabled={!ready} title="Add the rule to this scope" data-testid={`policy-add-rule-${scope}`}>
          Add
        </button>
      </div>
      {error !== null && (
        <div className="hs-pol-error" role="alert" data-testid={`policy-new-rule-error-${scope}`}>
          {error}
        </div>
      )}
    </div>
  );
}

export const ScopeNode = memo(function ScopeNode({ data }: NodeProps<Node<ScopeNodeData, 'scope'>>) {
  return (
    <div className={`hs-pol-node hs-pol-scope hs-pol-scope--${data.level}`} data-testid={`policy-scope-${data.id}`} data-level={data.level} aria-label={`${data.level} scope ${data.id}`}>
      <Handle type="target" position={Position.Top} id="up" {...HANDLE} />
      <div className="hs-pol-node__head">
        <span className="hs-pol-node__kind">{data.level}</span>
        <span className="hs-pol-node__id">{data.id}</span>
        <button type="button" className="hs-btn hs-btn--ghost hs-btn--small hs-pol-x nodrag" onClick={() => removeScope(data.id, data.rules)} title={`Delete scope ${data.id} and its rules`} aria-label={`Delete scope ${data.id}`} data-testid={`policy-scope-delete-${data.id}`}>
          ×
        </button>
      </div>
      <div className="hs-pol-node__detail">
        {data.rules} rule{data.rules === 1 ? '' : 's'}
      </div>
      <AddRule scope={data.id} />
      <Handle type="source" position={Position.Right} id="rules" {...HANDLE} />
      <Handle type="source" position={Position.Bottom} id="down" {...HANDLE} />
    </div>
  );
});

export const RuleNode = memo(function RuleNode({ data }: NodeProps<Node<RuleNodeData, 'rule'>>) {
  const editable = !data.duplicate;
  return (
    <div
      className={`hs-pol-node hs-pol-rule hs-pol-rule--${data.effect}${data.error ? ' has-error' : ''}${data.focused ? ' is-focused' : ''}`}
      data-testid={data.duplicate ? undefined : `policy-rule-${data.id}`}
      data-effect={data.effect}
      data-focused={data.focused ? 'true' : 'false'}
      aria-label={`${data.effect} rule ${data.id}`}
    >
      <Handle type="target" position={Position.Left} id="in" {...HANDLE} />
      <div className="hs-pol-node__head">
        {editable ? (
          <EffectSelect value={data.effect} onChange={(e) => setRuleEffect(data.id, e)} label={`Effect of rule ${data.id}`} testId={`policy-rule-effect-${data.id}`} />
        ) : (
          <span className={`hs-pol-effect hs-pol-effect--${data.effect}`}>{data.effect}</span>
        )}
        <span className="hs-pol-node__id" title={`${data.id}, in scope ${data.scope}`}>
          {data.id}
        </span>
        {editable && (
          <button type="button" className="hs-btn hs-btn--ghost hs-btn--small hs-pol-x nodrag" onClick={() => removeRule(data.id)} title={`Delete rule ${data.id}`} aria-label={`Delete rule ${data.id}`} data-testid={`policy-rule-delete-${data.id}`}>
            ×
          </button>
        )}
      </div>
      <input
        className="hs-input hs-pol-match nodrag"
        value={data.match}
        readOnly={!editable}
        spellCheck={false}
        onChange={(e) => setRuleMatch(data.id, e.currentTarget.value)}
        aria-label={`Matcher of rule ${data.id}`}
        aria-invalid={data.error !== null || undefined}
        data-testid={editable ? `policy-rule-match-${data.id}` : undefined}
      />
      {data.error !== null && (
        <div className="hs-pol-error" role="alert" data-testid={editable ? `policy-rule-error-${data.id}` : undefined}>
          {data.error}
        </div>
      )}
    </div>
  );
});

export const AgentNode = memo(function AgentNode({ data }: NodeProps<Node<ActorNodeData, 'agent'>>) {
  return (
    <div className={`hs-pol-node hs-pol-agent${data.focused ? ' is-focused' : ''}`} data-testid={`policy-agent-${data.id}`} data-focused={data.focused ? 'true' : 'false'} aria-label={`Agent ${data.title}`}>
      <div className="hs-pol-node__head">
        <span className="hs-pol-node__kind">agent</span>
        <span className="hs-pol-node__id">{data.id}</span>
      </div>
      <div className="hs-pol-node__title">{data.title}</div>
      <Handle type="source" position={Position.Right} id="caps" {...HANDLE} />
    </div>
  );
});

export const TargetNode = memo(function TargetNode({ data }: NodeProps<Node<TargetNodeData, 'tool' | 'store' | 'missing'>>) {
  return (
    <div className={`hs-pol-node hs-pol-target hs-pol-target--${data.kind}`} data-testid={`policy-target-${data.id}`} data-kind={data.kind} aria-label={`${data.kind} ${data.title}`}>
      <Handle type="target" position={Position.Left} id="in" {...HANDLE} />
      <div className="hs-pol-node__head">
        <span className="hs-pol-node__kind">{data.kind === 'missing' ? 'missing' : data.kind}</span>
        <span className="hs-pol-node__id">{data.id}</span>
      </div>
      <div className="hs-pol-node__detail">{data.detail}</div>
    </div>
  );
});

/** Stable for the app's lifetime: xyflow re-mounts every node when this object changes. */
export const policyNodeTypes: NodeTypes = Object.freeze({ scope: ScopeNode, rule: RuleNode, agent: AgentNode, tool: TargetNode, store: TargetNode, missing: TargetNode });
