import { useMemo, useState } from 'react';
import { EVENT_TYPES, exprErrorText, parseExpr, parseLogFormat, type ExprError } from '../../kernel';
import type { Breakpoint } from '../../bridge/api';
import { useStudio } from '../../store';
import { describeBreakpoint } from './navigation';
import './watch.css';

/** Ids of one collection of the raw document (which may be invalid: read tolerantly). */
function idsIn(doc: unknown, key: 'agents' | 'tools' | 'goals' | 'groups'): string[] {
  const list = doc !== null && typeof doc === 'object' ? (doc as Record<string, unknown>)[key] : undefined;
  if (!Array.isArray(list)) return [];
  return list.flatMap((x: unknown) => {
    const id = x !== null && typeof x === 'object' ? (x as Record<string, unknown>).id : undefined;
    return typeof id === 'string' ? [id] : [];
  });
}

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];

interface Options {
  events: string[];
  agents: string[];
  tools: string[];
  goals: string[];
  groups: string[];
}

/** How the form offers each kind (worker/matchBreakpoint.ts says what each matches). */
const KINDS: Readonly<Record<Breakpoint['kind'], { label: string; placeholder: string; options(o: Options): string[]; any: boolean }>> = {
  event: { label: 'event type', placeholder: 'tool.denied', options: (o) => o.events, any: false },
  agent: { label: 'agent', placeholder: 'agent id', options: (o) => o.agents, any: false },
  tool: { label: 'tool (once per call)', placeholder: 'tool id', options: (o) => o.tools, any: false },
  decision: { label: 'permission decision', placeholder: 'deny or ask', options: () => ['deny', 'ask'], any: true },
  'goal-true': { label: 'goal turns true', placeholder: 'goal id, or * for any', options: (o) => ['*', ...o.goals], any: true },
  'goal-false': { label: 'goal turns false', placeholder: 'goal id, or * for any', options: (o) => ['*', ...o.goals], any: true },
  throttle: { label: 'budget throttle', placeholder: 'group / agent / model, or *', options: (o) => ['*', ...o.groups, ...o.agents], any: true },
  'fact-evicted': { label: 'fact segment evicted', placeholder: 'agent id, or *', options: (o) => ['*', ...o.agents], any: true },
  when: { label: 'any event (condition)', placeholder: '', options: () => [], any: true },
};

/** The error of a condition or log line as typed, or null when it parses (or is empty). */
function conditionError(text: string): ExprError | null {
  if (text.trim() === '') return null;
  const r = parseExpr(text);
  return r.ok ? null : r.error;
}
function logError(text: string): ExprError | null {
  if (text.trim() === '') return null;
  const r = parseLogFormat(text);
  return r.ok ? null : r.error;
}

/** An input that shows its parse error under it, with a caret under the column. */
function ExprField({ testId, label, placeholder, value, error, onChange }: { testId: string; label: string; placeholder: string; value: string; error: ExprError | null; onChange(v: string): void }) {
  return (
    <div className="bp-field">
      <input
        data-testid={testId}
        aria-label={label}
        aria-invalid={error !== null}
        placeholder={placeholder}
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
      {error && (
        <div className="bp-error" data-testid={`${testId}-error`} role="alert">
          <code className="bp-caret">{`${value}\n${' '.repeat(Math.min(error.at, value.length))}^`}</code>
          {exprErrorText(error)}
        </div>
      )}
    </div>
  );
}

/** What logpoints printed while the selected run was driven here; a line's seq moves the cursor there. */
function LogLines() {
  const lines = useStudio((s) => s.logLines);
  const setCursor = useStudio((s) => s.setCursor);
  if (lines.length === 0) return null;
  return (
    <div className="bp-log" data-testid="logpoint-log" aria-label="Logpoint output">
      {lines.map((l, i) => (
        <button key={i} type="button" className="bp-log-line" data-testid="logpoint-line" data-seq={l.seq} onClick={() => setCursor(l.seq)} title={`Go to event ${l.seq}`}>
          <span className="bp-log-seq">#{l.seq}</span> {l.text}
        </button>
      ))}
    </div>
  );
}

/**
 * Breakpoints and logpoints: on an event type, agent, tool, decision, goal, throttle or fact
 * eviction, with an optional condition over the event's fields (checked as it is typed); a line
 * to log makes it a logpoint, which prints and never pauses. Saved with the project.
 */
export function Breakpoints() {
  const breakpoints = useStudio((s) => s.breakpoints);
  const pausedAt = useStudio((s) => s.pausedAt);
  const doc = useStudio((s) => s.doc);
  const seenAgents = useStudio((s) => s.agents);
  const seenTools = useStudio((s) => s.tools);
  const projectId = useStudio((s) => s.projectId);
  const { addBreakpoint, toggleBreakpoint, removeBreakpoint } = useStudio.getState();
  const [kind, setKind] = useState<Breakpoint['kind']>('tool');
  const [value, setValue] = useState('');
  const [condition, setCondition] = useState('');
  const [log, setLog] = useState('');

  const options = useMemo<Options>(
    () => ({
      events: [...EVENT_TYPES] as string[],
      agents: union(idsIn(doc, 'agents'), seenAgents),
      tools: union(idsIn(doc, 'tools'), seenTools),
      goals: idsIn(doc, 'goals'),
      groups: idsIn(doc, 'groups'),
    }),
    [doc, seenAgents, seenTools],
  );
  const meta = KINDS[kind];
  const condError = conditionError(condition);
  const lineError = logError(log);
  const needsValue = !meta.any && value.trim() === '';
  const needsCondition = kind === 'when' && condition.trim() === '' && log.trim() === '';
  const canAdd = projectId !== null && !needsValue && !needsCondition && condError === null && lineError === null;
  const add = () => {
    if (!canAdd) return;
    addBreakpoint(kind, value, { condition, log });
    setValue('');
    setCondition('');
    setLog('');
  };

  return (
    <div className="rp-section rp-grow bp-section" data-testid="breakpoints">
      <div className="rp-head" title="Breakpoints apply from the next Run or Step; they are saved with the project">Breakpoints</div>
      <form
        className="bp-form"
        onSubmit={(e) => {
          e.preventDefault();
          add();
        }}
      >
        <div className="bp-row">
          <select data-testid="breakpoint-kind" aria-label="Breakpoint on" value={kind} onChange={(e) => setKind(e.currentTarget.value as Breakpoint['kind'])}>
            {(Object.keys(KINDS) as Breakpoint['kind'][]).map((k) => (
              <option key={k} value={k}>
                {KINDS[k].label}
              </option>
            ))}
          </select>
          {kind !== 'when' && (
            <input
              className="bp-value"
              data-testid="breakpoint-value"
              aria-label="Breakpoint value"
              list={`rp-bp-${kind}`}
              placeholder={meta.placeholder}
              value={value}
              onChange={(e) => setValue(e.currentTarget.value)}
            />
          )}
          <datalist id={`rp-bp-${kind}`}>
            {meta.options(options).map((o) => (
              <option key={o} value={o} />
            ))}
          </datalist>
          <button type="submit" data-testid="breakpoint-add" disabled={!canAdd} title={log.trim() ? 'Add the logpoint (Enter)' : 'Add the breakpoint (Enter)'}>
            Add
          </button>
        </div>
        <ExprField testId="breakpoint-condition" label="Condition" placeholder='condition, e.g. agent == "writer" && tokens > 500' value={condition} error={condError} onChange={setCondition} />
        <ExprField testId="breakpoint-log" label="Log line (logpoint)" placeholder="log instead of pausing, e.g. {agent} spent {tokens}" value={log} error={lineError} onChange={setLog} />
      </form>
      <div className="rp-scroll">
        {breakpoints.length === 0 && <div className="rp-empty">No breakpoints. Add one on an event type, an agent, a tool, a decision, a goal, a throttle or a fact eviction.</div>}
        <ul className="rp-list">
          {breakpoints.map((b) => {
            const hit = pausedAt?.breakpoint.id === b.id;
            return (
              <li
                key={b.id}
                data-testid="breakpoint-row"
                data-kind={b.kind}
                data-value={b.value}
                data-logpoint={b.log !== undefined ? 'true' : undefined}
                className={`rp-bp${hit ? ' is-hit' : ''}${b.enabled ? '' : ' is-off'}`}
              >
                <label className="rp-line">
                  <input type="checkbox" data-testid="breakpoint-toggle" checked={b.enabled} onChange={() => toggleBreakpoint(b.id)} aria-label={`Enable ${describeBreakpoint(b)}`} />
                  <span title={describeBreakpoint(b)}>{b.log !== undefined ? '◆ ' : '● '}{describeBreakpoint(b)}</span>
                  {hit && <span data-testid="breakpoint-hit-marker">● @ {pausedAt.seq}</span>}
                  <span className="rp-spacer" />
                  <button type="button" data-testid="breakpoint-delete" title="Delete breakpoint" aria-label={`Delete ${describeBreakpoint(b)}`} onClick={() => removeBreakpoint(b.id)}>
                    ✕
                  </button>
                </label>
              </li>
            );
          })}
        </ul>
        <LogLines />
      </div>
    </div>
  );
}
