/**
 * Where the experiment's runs happen: the sim in Web Workers (offline, one per core), or a real
 * CPU — an endpoint from Settings (with the model name it serves) or a stored local model — with
 * how many requests go at once (an endpoint's rate limit; the local model takes one at a time).
 * The choice is this tab's, never part of the experiment file or its export.
 */
import { localModelBinding } from '../../bridge/api';
import { useStudio } from '../../store';
import { useLocalModels } from '../shell/localModels';
import { MAX_CONCURRENCY } from './realCpu';
import { concurrencyFor, defaultWorkers, setConcurrency, setCpu, setWorkers, useExperiments } from './session';

export function CpuPicker() {
  const endpoints = useStudio((s) => s.endpoints);
  const { models: locals } = useLocalModels();
  const cpu = useExperiments((s) => s.cpu);
  const phase = useExperiments((s) => s.phase);
  const workers = useExperiments((s) => s.workers) || defaultWorkers();
  const concurrency = useExperiments(concurrencyFor);
  const idle = phase === 'idle';
  const network = cpu !== null && !cpu.endpoint.startsWith('local:');
  return (
    <>
      <label className="hs-muted">
        Runs on{' '}
        <select
          value={cpu?.endpoint ?? ''}
          disabled={!idle}
          onChange={(e) => setCpu(e.target.value === '' ? null : { endpoint: e.target.value, model: cpu?.model ?? '' })}
          data-testid="exp-cpu"
        >
          <option value="">the sim (offline, Web Workers)</option>
          {endpoints.map((e) => (
            <option key={e.id} value={e.id}>
              {e.name} (every model)
            </option>
          ))}
          {locals.map((m) => (
            <option key={m.name} value={localModelBinding(m.name)}>
              local: {m.name} (every model)
            </option>
          ))}
        </select>
      </label>
      {network && (
        <input
          type="text"
          className="ex-input"
          aria-label="Model name the endpoint serves"
          placeholder="model, e.g. llama3.2"
          disabled={!idle}
          value={cpu.model}
          onChange={(e) => setCpu({ endpoint: cpu.endpoint, model: e.target.value })}
          data-testid="exp-cpu-model"
        />
      )}
      {cpu === null ? (
        <label className="hs-muted">
          Web Workers{' '}
          <select value={workers} disabled={!idle} onChange={(e) => setWorkers(Number(e.target.value))} data-testid="exp-workers">
            {Array.from({ length: Math.max(defaultWorkers(), workers) }, (_, i) => i + 1).map((n) => (
              <option key={n} value={n}>
                {n}
                {n === defaultWorkers() ? ' (all cores)' : ''}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <label className="hs-muted" title="Runs sent to the CPU at once: keep it under the endpoint's rate limit (a 429 is retried after the delay it asks for)">
          Requests at once{' '}
          <input type="number" className="ex-input ex-input--num" min={1} max={MAX_CONCURRENCY} value={concurrency} disabled={!idle} onChange={(e) => setConcurrency(Number(e.target.value))} data-testid="exp-concurrency" />
        </label>
      )}
    </>
  );
}
