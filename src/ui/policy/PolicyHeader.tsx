import { useState } from 'react';
import { TrustedKeys } from './TrustedKeys';
import { MODES, SCOPE_LEVELS, type Mode, type PolicySpec, type ScopeLevel } from '../../kernel';
import { createScope, setMode, setRequireSigned, setTaint } from './policyActions';
import { nodeId } from './policyGraph';
import { usePanTo } from './usePanTo';
import { CanvasViewSwitch } from './ViewSwitch';
import { TAINT_MODES, type PolicyEntries } from './policyModel';

const MODE_HINT: Readonly<Record<Mode, string>> = {
  plan: 'no side effects, even where a rule allows them',
  ask: 'reads run; every side effect asks',
  'accept-edits': 'reads and writes run; external and privileged ask',
  auto: 'everything runs unless a rule denies or asks',
  'deny-unlisted': 'only what an allow rule lists runs',
};

/**
 * The Policy view's bar: the Graph | Policy switch, then the policy as a whole — the mode (what
 * happens when no rule matches), the taint defence, signing — and adding a scope. `note` says
 * why a jump found nothing to show.
 */
export function PolicyHeader({ policy, focused, note }: { policy: PolicyEntries; focused: boolean; note: string | null }) {
  const [level, setLevel] = useState<ScopeLevel>('project');
  const [keysOpen, setKeysOpen] = useState(false);
  const panTo = usePanTo();
  return (
    <div className={`hs-pol-header${focused ? ' is-focused' : ''}`} data-testid="policy-header" data-focused={focused ? 'true' : 'false'}>
      <CanvasViewSwitch />
      <label className="hs-pol-header__field" title={`${policy.mode}: ${MODE_HINT[policy.mode]}`}>
        <span>Mode</span>
        <select value={policy.mode} onChange={(e) => setMode(e.currentTarget.value as Mode)} data-testid="policy-mode">
          {MODES.map((m) => (
            <option key={m} value={m} title={MODE_HINT[m]}>
              {m}
            </option>
          ))}
        </select>
      </label>
      <label className="hs-pol-header__field" title="A tainted value reaching a sink that leaves the agent's session (privileged or external tools, core memory, writes outside the session tier, a remote read's arguments): deny it, ask a human to declassify it, or no defence">
        <span>Tainted sinks</span>
        <select value={policy.taint} onChange={(e) => setTaint(e.currentTarget.value as PolicySpec['taint'])} data-testid="policy-taint">
          {TAINT_MODES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label className="hs-pol-header__field" title="Refuse agents whose system prompt, or a policy, that no longer matches its signature">
        <input type="checkbox" checked={policy.requireSigned} onChange={(e) => setRequireSigned(e.currentTarget.checked)} data-testid="policy-require-signed" />
        <span>Require signed</span>
      </label>
      <button type="button" className="hs-btn hs-btn--small" aria-expanded={keysOpen} onClick={() => setKeysOpen(!keysOpen)} data-testid="policy-trusted-keys" title="Whose signatures count: this browser's key, the org's keys and this project's">
        Trusted keys
      </button>
      <span className="hs-pol-header__sep" />
      <label className="hs-pol-header__field">
        <span>Scope</span>
        <select value={level} onChange={(e) => setLevel(e.currentTarget.value as ScopeLevel)} data-testid="policy-add-scope-level" aria-label="Level of the new scope">
          {SCOPE_LEVELS.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="hs-btn hs-btn--small" onClick={() => panTo(nodeId.scope(createScope(level)))} data-testid="policy-add-scope">
        Add scope
      </button>
      {policy.scopes.length === 0 && (
        <span className="hs-muted" data-testid="policy-empty">
          No scopes yet: the mode decides every call.
        </span>
      )}
      <span className="hs-pol-legend" aria-hidden="true">
        <i className="hs-pol-legend__allow">allow</i>
        <i className="hs-pol-legend__ask">ask</i>
        <i className="hs-pol-legend__deny">deny</i>
      </span>
      {keysOpen && <TrustedKeys />}
      {note && (
        <div className="hs-pol-header__note" role="status" data-testid="policy-jump-note">
          {note}
        </div>
      )}
    </div>
  );
}
