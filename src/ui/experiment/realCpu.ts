/**
 * Experiments on a real CPU: an endpoint from Settings (with the model name it serves) or a
 * stored local GGUF. The runs happen in the kernel worker, where the stored keys are (the page
 * never sees a key, and the experiment file and its export hold none): jobs go there a few at a
 * time — as many as "Requests at once" says, so an endpoint's rate limit is not flooded — and
 * records come back like the Web Worker pool's. The stored row's hash names the CPU too, so
 * records made on one CPU are never mixed with another's (Run on another CPU starts afresh).
 * Each run's trace (the model's answers recorded in it) is kept beside its record, so every run
 * opens in the debugger replayed, without asking the model again (openRun.ts).
 */
import { studio } from '../../bridge/client';
import type { SuiteCpu } from '../../bridge/api';
import { ExperimentCancelled, type WebWorkerPool } from '../../bridge/experimentWorkers';
import type { ResolvedExperiment, RunJob, RunRecord } from '../../kernel';

/** Requests at once by default: a few for a network endpoint, one for the local model (one generation at a time). */
export const defaultConcurrency = (cpu: SuiteCpu): number => (cpu.endpoint.startsWith('local:') ? 1 : 4);
/** The most requests at once the view offers. */
export const MAX_CONCURRENCY = 16;

/** The CPU in a stored row's hash: `HASH@ENDPOINT|MODEL` (the sim's rows keep the bare hash). */
export function runHash(hash: string, cpu: SuiteCpu | null): string {
  return cpu === null ? hash : `${hash}@${cpu.endpoint}|${cpu.model.trim()}`;
}

/** The CPU a stored row's hash names (null: the sim). */
export function cpuOfRunHash(stored: string | null): SuiteCpu | null {
  const at = stored?.indexOf('@') ?? -1;
  if (stored === null || at < 0) return null;
  const rest = stored.slice(at + 1);
  const bar = rest.lastIndexOf('|');
  return bar < 0 ? null : { endpoint: rest.slice(0, bar), model: rest.slice(bar + 1) };
}

/**
 * A RunExecutor sending jobs to the kernel worker's real CPU, `concurrency` at a time; cancel()
 * abandons those in progress. Each run's trace is kept with stored experiment `experimentId`, so it opens replayed.
 */
export function realCpuPool(file: ResolvedExperiment, cpu: SuiteCpu, concurrency: number, experimentId: string): WebWorkerPool {
  let stopped = false;
  let stop: ((err: Error) => void) | null = null;
  const size = Math.max(1, Math.min(MAX_CONCURRENCY, Math.floor(concurrency)));
  return {
    size,
    execute(jobs: readonly RunJob[], onResult: (r: RunRecord) => void): Promise<void> {
      if (stopped) return Promise.reject(new ExperimentCancelled());
      return new Promise<void>((resolve, reject) => {
        let next = 0;
        let failed = false;
        stop = (err) => {
          failed = true;
          reject(err);
        };
        const lane = async () => {
          while (!failed && !stopped && next < jobs.length) {
            const record = await studio().runExperimentJob(file, jobs[next++]!, cpu, experimentId);
            if (failed || stopped) return;
            onResult(record);
          }
        };
        Promise.all(Array.from({ length: Math.min(size, jobs.length) }, lane)).then(
          () => {
            if (!failed && !stopped) resolve();
          },
          (err: unknown) => {
            if (failed || stopped) return;
            // One run could not use the endpoint: the others in progress are abandoned, the experiment stops with its reason.
            void studio().endExperimentJobs(true);
            stop?.(err instanceof Error ? err : new Error(String(err)));
          },
        );
      });
    },
    cancel() {
      if (stopped) return;
      stopped = true;
      void studio().endExperimentJobs(true);
      stop?.(new ExperimentCancelled());
    },
    close() {
      stopped = true;
      void studio().endExperimentJobs(false);
    },
  };
}
