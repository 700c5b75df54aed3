import { useState } from 'react';
import { useStudio } from '../../store';
import { stopTone } from './format';
import { RUN_ACTIONS, tooltip, type RunAction } from './runActions';
import { Scrubber } from './Scrubber';
import { OtelExportButtons } from './OtelExportButtons';

function ActionButton({ action, primary = false }: { action: RunAction; primary?: boolean }) {
  const enabled = useStudio((s) => action.enabled(s));
  return (
    <button
      type="button"
      data-testid={action.testId}
      className={primary ? 'rp-primary' : undefined}
      title={tooltip(action)}
      aria-keyshortcuts={action.keys || undefined}
      disabled={!enabled}
      onClick={action.perform}
    >
      {action.label}
    </button>
  );
}

/** The seed of the next new run; the field may be empty or half-typed while it has focus. */
function SeedInput() {
  const seed = useStudio((s) => s.seed);
  const setSeed = useStudio((s) => s.setSeed);
  const [text, setText] = useState<string | null>(null);
  return (
    <label title="Seed of the next new run: the same seed and document give the same trace">
      seed
      <input
        className="rp-seed"
        data-testid="seed-input"
        type="number"
        step={1}
        min={0}
        value={text ?? String(seed)}
        onChange={(e) => {
          const value = e.currentTarget.value;
          setText(value);
          const n = Number(value);
          if (value.trim() !== '' && Number.isInteger(n) && n >= 0) setSeed(n);
        }}
        onBlur={() => setText(null)}
      />
    </label>
  );
}

const byName = (name: RunAction['name']) => RUN_ACTIONS.find((a) => a.name === name)!;

/** Run controls, seed, status and the scrubber: the debugger's toolbar. */
export function RunToolbar() {
  const status = useStudio((s) => s.status);
  const loading = useStudio((s) => s.loading);
  const reason = useStudio((s) => s.runs.find((r) => r.id === s.runId)?.stopReason);
  const stopped = status === 'stopped';
  return (
    <div className="rp-toolbar" role="toolbar" aria-label="Run controls">
      <ActionButton action={byName('run')} primary />
      <ActionButton action={byName('pause')} />
      <span className="rp-sep" />
      <ActionButton action={byName('stepTurn')} />
      <ActionButton action={byName('stepInto')} />
      <ActionButton action={byName('stepOut')} />
      <ActionButton action={byName('stepEvent')} />
      <ActionButton action={byName('runToCursor')} />
      <ActionButton action={byName('stepBack')} />
      <span className="rp-sep" />
      <ActionButton action={byName('fork')} />
      <ActionButton action={byName('resume')} />
      <OtelExportButtons />
      <ActionButton action={byName('shortcuts')} />
      <span className="rp-sep" />
      <SeedInput />
      <span
        className="rp-badge"
        data-testid="run-status"
        data-status={status ?? 'none'}
        data-tone={stopped ? stopTone(reason) : undefined}
        title={status === 'waiting' ? 'Waiting for a human: answer the approval prompt and the run goes on in place' : stopped && reason ? `stopped: ${reason}` : undefined}
      >
        {loading ? 'loading…' : stopped && reason ? `stopped · ${reason}` : (status ?? 'no run')}
      </span>
      <Scrubber />
    </div>
  );
}
