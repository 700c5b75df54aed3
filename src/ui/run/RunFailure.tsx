/**
 * A run that failed at its work (the kernel's FAILED_STOPS, e.g. every job failed) says so under
 * the toolbar as an error, with the stop's own words and a way to its evidence, instead of
 * stopping quietly. Read from the run's `run.stopped` event, so it is true of the trace.
 */
import { FAILED_STOPS, type KernelEvent } from '../../kernel';
import { useStudio } from '../../store';

type Stopped = Extract<KernelEvent, { type: 'run.stopped' }>;

export function RunFailure({ onShowWhy }: { onShowWhy(): void }) {
  const stop = useStudio((s): Stopped | null => {
    const last = s.events[s.events.length - 1];
    return last?.type === 'run.stopped' && last.seq === s.head ? last : null;
  });
  if (!stop || !FAILED_STOPS.has(stop.reason)) return null;
  return (
    <div className="rp-banner" data-level="error" data-testid="run-failed" data-reason={stop.reason} role="alert">
      The run failed: {stop.detail}.{' '}
      <button type="button" onClick={onShowWhy}>Why (Termination)</button>
    </div>
  );
}
