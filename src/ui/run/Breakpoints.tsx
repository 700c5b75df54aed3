import { useMemo, useState } from 'react';
import { EVENT_TYPES } from '../../kernel';
import type { Breakpoint } from '../../bridge/api';
import { useStudio } from '../../store';
import { describeBreakpoint } from './navigation';

/** Ids of one collection of the raw document (which may be invalid: read tolerantly). */
function idsIn(doc: unknown, key: 'agents' | 'tools'): string[] {
  const list = doc !== null && typeof doc === 'object' ? (doc as Record<string, unknown>)[key] : undefined;
  if (!Array.isArray(list)) return [];
  return list.flatMap((x: unknown) => {
    const id = x !== null && typeof x === 'object' ? (x as Record<string, unknown>).id : undefined;
    return typeof id === 'string' ? [id] : [];
  });
}

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];

/** Breakpoints on an event type, an agent or a tool; a match pauses the run after that event. */
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

  const options = useMemo(
    () => ({
      event: [...EVENT_TYPES] as string[],
      agent: union(idsIn(doc, 'agents'), seenAgents),
      tool: union(idsIn(doc, 'tools'), seenTools),
    }),
    [doc, seenAgents, seenTools],
  );
  const add = () => {
    addBreakpoint(kind, value);
    setValue('');
  };

  return (
    <div className="rp-section rp-grow" data-testid="breakpoints">
      <div className="rp-head" title="Breakpoints apply from the next Run or Step">Breakpoints</div>
      <form
        className="rp-bp-form"
        onSubmit={(e) => {
          e.preventDefault();
          add();
        }}
      >
        <select data-testid="breakpoint-kind" aria-label="Breakpoint on" value={kind} onChange={(e) => setKind(e.currentTarget.value as Breakpoint['kind'])}>
          <option value="event">event</option>
          <option value="agent">agent</option>
          <option value="tool">tool</option>
        </select>
        <input
          className="rp-bp-value"
          data-testid="breakpoint-value"
          aria-label="Breakpoint value"
          list={`rp-bp-${kind}`}
          placeholder={kind === 'event' ? 'tool.denied' : kind === 'agent' ? 'agent id' : 'tool id'}
          value={value}
          onChange={(e) => setValue(e.currentTarget.value)}
        />
        <datalist id={`rp-bp-${kind}`}>
          {options[kind].map((o) => (
            <option key={o} value={o} />
          ))}
        </datalist>
        <button type="submit" data-testid="breakpoint-add" disabled={projectId === null || value.trim() === ''} title="Add the breakpoint (Enter)">
          Add
        </button>
      </form>
      <div className="rp-scroll">
        {breakpoints.length === 0 && <div className="rp-empty">No breakpoints. Add one on an event type, an agent or a tool.</div>}
        <ul className="rp-list">
          {breakpoints.map((b) => {
            const hit = pausedAt?.breakpoint.id === b.id;
            return (
              <li key={b.id} data-testid="breakpoint-row" data-kind={b.kind} data-value={b.value} className={`rp-bp${hit ? ' is-hit' : ''}${b.enabled ? '' : ' is-off'}`}>
                <label className="rp-line">
                  <input type="checkbox" data-testid="breakpoint-toggle" checked={b.enabled} onChange={() => toggleBreakpoint(b.id)} aria-label={`Enable ${describeBreakpoint(b)}`} />
                  <span>{describeBreakpoint(b)}</span>
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
      </div>
    </div>
  );
}
