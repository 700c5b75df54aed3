/**
 * Endpoints in the worker: the only place a stored key meets a provider. Settings' Test lists an
 * endpoint's models; a failure comes back as the provider's typed failure (message and fix name
 * the endpoint, never the key), and anything else is redacted before it leaves.
 */
import type { HarnessSpec } from '../kernel';
import { ProviderError, createProvider, redact, type EndpointConfig } from '../providers';
import type { EndpointRow, EndpointStore } from '../persist';
import { localModelFile, type EndpointTest } from './api';

const TEST_TIMEOUT_MS = 15_000;

/** Lists the endpoint's models with its stored key. */
export async function testEndpoint(row: EndpointRow, fetchImpl?: typeof fetch): Promise<EndpointTest> {
  try {
    const provider = createProvider({ wire: row.kind, baseUrl: row.baseUrl, ...(row.apiKey ? { apiKey: row.apiKey } : {}) }, fetchImpl ? { fetch: fetchImpl } : {});
    const signal = AbortSignal.timeout(TEST_TIMEOUT_MS);
    const models = await provider.listModels({ signal });
    if (signal.aborted) return { ok: false, kind: 'timeout', message: `${row.name} (${provider.endpoint}) did not list its models within ${TEST_TIMEOUT_MS / 1000} s.`, fix: 'Check that the server is running and the base URL is right.' };
    return { ok: true, models: models.map((m) => m.id) };
  } catch (err) {
    if (err instanceof ProviderError) {
      const f = err.failure;
      return { ok: false, kind: f.kind, message: redact(f.message, [row.apiKey]), fix: redact(f.fix, [row.apiKey]) };
    }
    const text = err instanceof Error ? err.message : String(err);
    return { ok: false, kind: 'unknown', message: `${row.name}: ${redact(text, [row.apiKey])}`, fix: 'Check the base URL and kind in Settings.' };
  }
}

/** Where the settings table keeps a project's model → endpoint-id choices (the UI writes it). */
export { modelEndpointsKey } from './api';

export interface ResolvedEndpoints {
  /** model id → where it runs, with the stored key: for the provider factory only, never sent to the UI. */
  endpoints: Record<string, EndpointConfig>;
  /** model id → the stored GGUF file it runs on (a `local:<file>` choice); the worker loads these. */
  local: Record<string, string>;
  /** One sentence per real model whose chosen endpoint cannot be used, naming the model and the fix. */
  problems: string[];
}

/**
 * The endpoint of each real model of `spec`, from this browser's choice for the project and the
 * stored endpoints. A model with no choice is left out (the run check reports it); a choice
 * naming a deleted endpoint, or an endpoint of the other wire, is a problem. A `local:<file>`
 * choice goes to `local` (whether the file is stored and loads is the worker's to find out).
 */
export async function resolveModelEndpoints(spec: HarnessSpec, bindings: unknown, store: EndpointStore): Promise<ResolvedEndpoints> {
  const chosen = bindings !== null && typeof bindings === 'object' ? (bindings as Record<string, unknown>) : {};
  const endpoints: Record<string, EndpointConfig> = {};
  const local: Record<string, string> = {};
  const problems: string[] = [];
  for (const m of spec.models) {
    const name = chosen[m.id];
    if (m.provider === 'sim' || typeof name !== 'string') continue;
    // A local file serves any real provider: the local CPU answers the same chat requests.
    const file = localModelFile(name);
    if (file !== null) {
      local[m.id] = file;
      continue;
    }
    const row = await store.withKey(name);
    if (!row) {
      problems.push(`model "${m.id}" runs on endpoint "${name}", which is not in Settings: add it again or choose another endpoint on the model.`);
      continue;
    }
    const wire = m.provider === 'anthropic' ? 'anthropic' : 'openai';
    if (row.kind !== wire) {
      problems.push(`model "${m.id}" (${m.provider}) points at endpoint "${row.name}", which speaks ${row.kind === 'openai' ? 'the OpenAI-compatible API' : 'Anthropic'}: choose an endpoint of the same kind or change the provider.`);
      continue;
    }
    endpoints[m.id] = { wire, baseUrl: row.baseUrl, ...(row.apiKey ? { apiKey: row.apiKey } : {}) };
  }
  return { endpoints, local, problems };
}
