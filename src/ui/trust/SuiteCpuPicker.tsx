import { localModelBinding } from '../../bridge/api';
import { useStudio, useSuiteScoring } from '../../store';
import { useLocalModels } from '../shell/localModels';

/**
 * Where the injection suite runs its models: the sim CPU by default, or an endpoint from
 * Settings (with the model name it serves) or a stored local model. The worker rebinds every
 * model of every harness to the choice for the scoring; the suite's files do not change.
 */
export function SuiteCpuPicker({ disabled }: { disabled: boolean }) {
  const endpoints = useStudio((s) => s.endpoints);
  const { models: locals } = useLocalModels();
  const cpu = useSuiteScoring((s) => s.suite.cpu);
  const setSuite = useSuiteScoring((s) => s.setSuite);
  if (endpoints.length === 0 && locals.length === 0) return null;
  const network = cpu !== null && endpoints.some((e) => e.id === cpu.endpoint);
  return (
    <>
      <label className="tv-suite-cpu">
        CPU{' '}
        <select
          data-testid="suite-cpu"
          disabled={disabled}
          value={cpu?.endpoint ?? ''}
          onChange={(e) => setSuite({ cpu: e.target.value === '' ? null : { endpoint: e.target.value, model: cpu?.model ?? '' } })}
        >
          <option value="">sim (scripted, offline)</option>
          {endpoints.map((e) => (
            <option key={e.id} value={e.id}>
              {e.name}
            </option>
          ))}
          {locals.map((m) => (
            <option key={m.name} value={localModelBinding(m.name)}>
              local: {m.name}
            </option>
          ))}
        </select>
      </label>
      {network && (
        <input
          type="text"
          className="tv-suite-model"
          data-testid="suite-cpu-model"
          aria-label="Model name the endpoint serves"
          placeholder="model, e.g. llama3.2"
          disabled={disabled}
          value={cpu.model}
          onChange={(e) => setSuite({ cpu: { endpoint: cpu.endpoint, model: e.target.value } })}
        />
      )}
    </>
  );
}
