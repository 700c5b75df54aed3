/**
 * What drives an agent, said plainly in its inspector: a sim model runs the agent's behaviour
 * script (its prompt is not read); a real model reads the prompt (its script is not run).
 */
import { entities, str } from '../docModel';
import { localModelFile } from '../../../bridge/api';

export interface DrivenBy {
  /** 'sim': the behaviour script drives it; 'model': the system prompt does. */
  by: 'sim' | 'model';
  text: string;
}

/**
 * @param bindings model id → the name of the Settings endpoint this browser uses for it
 */
export function drivenBy(doc: unknown, modelId: unknown, bindings: Readonly<Record<string, string>>): DrivenBy {
  const model = entities(doc, 'model').find((m) => m.id === modelId);
  const provider = model ? str(model.value.provider, 'sim') : 'sim';
  if (!model || provider === 'sim') return { by: 'sim', text: 'Driven by its behaviour script (sim). The system prompt is not read on sim.' };
  const name = str(model.value.model, model.id);
  const chosen = bindings[model.id];
  const file = chosen === undefined ? null : localModelFile(chosen);
  const endpoint = file !== null ? `${file}, a local GGUF run in this browser` : (chosen ?? (str(model.value.baseUrl) || 'no endpoint yet: choose one on the model (Settings holds the endpoints)'));
  return { by: 'model', text: `Driven by its prompt on ${name} at ${endpoint}. The behaviour script is not run.` };
}
